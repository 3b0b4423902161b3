package io.streamrag.query.guard;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Redacts personal data with patterns plus validation, so that ordinary numbers (prices, dates, order ids)
 * stay: card numbers must pass Luhn, IBANs mod-97, Korean resident registration numbers a real birth date, a
 * valid gender digit and (for numbers issued before the October 2020 reform) the check digit.
 * Kinds run in a fixed order (e-mail, rrn, iban, card, phone) so a long id is never half-eaten as a phone.
 */
public final class RegexPiiRedactor implements PiiRedactor {

    private static final Pattern EMAIL = Pattern.compile(
            "(?<![\\w.+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\\.[A-Za-z]{2,}");
    private static final Pattern RRN = Pattern.compile("(?<![\\d-])(\\d{6})\\s?(-?)\\s?([1-8]\\d{6})(?![\\d-])");
    private static final Pattern IBAN = Pattern.compile(
            "(?<![A-Za-z0-9])[A-Z]{2}\\d{2}(?:[ ]?[A-Z0-9]){11,30}(?![A-Za-z0-9])");
    private static final Pattern CARD = Pattern.compile("(?<![\\d-])\\d(?:[ -]?\\d){12,18}(?![\\d-])");
    private static final Pattern CARD_SEPARATOR = Pattern.compile("[ -]");
    private static final Pattern PHONE = Pattern.compile(String.join("|",
            // +82 10 1234 5678, +82-2-123-4567 and other E.164 numbers with optional grouping
            "(?<![\\w+])\\+\\d{1,3}(?:[ .-]?\\(?\\d{1,4}\\)?){2,5}(?!\\d)",
            // Korean mobile: 010-1234-5678, 010 1234 5678, 01012345678
            "(?<![\\d-])01[016789][ .-]?\\d{3,4}[ .-]?\\d{4}(?![\\d-])",
            // Korean landline with separators: 02-123-4567, 031-123-4567, (02) 1234-5678
            "(?<![\\d-])\\(?0(?:2|[3-6][1-5]|70|50\\d)\\)?[ .-]\\d{3,4}[ .-]\\d{4}(?![\\d-])",
            // North American style with the area code in brackets: (555) 123-4567
            "(?<![\\d-])\\(\\d{3}\\)[ ]?\\d{3}-\\d{4}(?![\\d-])"));

    @Override
    public Redaction redact(String text) {
        if (text == null || text.isEmpty()) {
            return new Redaction(text == null ? "" : text, List.of());
        }
        List<String> kinds = new ArrayList<>();
        String out = replace(text, EMAIL, "email", m -> true, kinds);
        out = replace(out, RRN, "rrn", RegexPiiRedactor::isRrn, kinds);
        out = replace(out, IBAN, "iban", m -> isIban(m.group()), kinds);
        out = replace(out, CARD, "card", m -> isCard(m.group()), kinds);
        out = replace(out, PHONE, "phone", RegexPiiRedactor::isPhone, kinds);
        return new Redaction(out, kinds);
    }

    private static String replace(String text, Pattern pattern, String kind, Predicate<Matcher> valid, List<String> kinds) {
        Matcher m = pattern.matcher(text);
        StringBuilder out = new StringBuilder(text.length());
        int last = 0;
        while (m.find()) {
            if (valid.test(m)) {
                out.append(text, last, m.start()).append('[').append(kind).append(']');
                last = m.end();
                kinds.add(kind);
            }
        }
        return last == 0 ? text : out.append(text, last, text.length()).toString();
    }

    /** YYMMDD-GNNNNNN: a real date for the century the gender digit implies; check digit before 2020. */
    static boolean isRrn(Matcher m) {
        String birth = m.group(1);
        String rest = m.group(3);
        boolean hyphen = !m.group(2).isEmpty();
        int gender = rest.charAt(0) - '0';
        int century = switch (gender) {
            case 1, 2, 5, 6 -> 1900;
            case 3, 4, 7, 8 -> 2000;
            default -> -1;
        };
        if (century < 0) {
            return false;
        }
        int year = century + Integer.parseInt(birth.substring(0, 2));
        try {
            LocalDate date = LocalDate.of(year, Integer.parseInt(birth.substring(2, 4)), Integer.parseInt(birth.substring(4, 6)));
            if (date.isAfter(LocalDate.now())) {
                return false;
            }
        } catch (DateTimeException e) {
            return false;
        }
        // Numbers issued since October 2020 end in random digits; before that the last digit is a checksum.
        boolean checksumApplies = year < 2020;
        if (!checksumApplies) {
            return hyphen;
        }
        String digits = birth + rest;
        int[] weights = {2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5};
        int sum = 0;
        for (int i = 0; i < 12; i++) {
            sum += (digits.charAt(i) - '0') * weights[i];
        }
        int check = (11 - sum % 11) % 10;
        return check == digits.charAt(12) - '0';
    }

    static boolean isCard(String candidate) {
        String digits = CARD_SEPARATOR.matcher(candidate).replaceAll("");
        if (digits.length() < 13 || digits.length() > 19 || digits.chars().distinct().count() == 1) {
            return false;
        }
        int sum = 0;
        boolean twice = false;
        for (int i = digits.length() - 1; i >= 0; i--) {
            int d = digits.charAt(i) - '0';
            if (twice) {
                d *= 2;
                if (d > 9) {
                    d -= 9;
                }
            }
            sum += d;
            twice = !twice;
        }
        return sum % 10 == 0;
    }

    static boolean isIban(String candidate) {
        String iban = candidate.replace(" ", "");
        if (iban.length() < 15 || iban.length() > 34) {
            return false;
        }
        String rearranged = iban.substring(4) + iban.substring(0, 4);
        int remainder = 0;
        for (int i = 0; i < rearranged.length(); i++) {
            char c = rearranged.charAt(i);
            int value = Character.isDigit(c) ? c - '0' : Character.isUpperCase(c) ? c - 'A' + 10 : -1;
            if (value < 0) {
                return false;
            }
            remainder = value >= 10 ? (remainder * 100 + value) % 97 : (remainder * 10 + value) % 97;
        }
        return remainder == 1;
    }

    /** E.164 allows at most 15 digits; fewer than 8 is a short code or an ordinary number, not a phone. */
    private static boolean isPhone(Matcher m) {
        long digits = m.group().chars().filter(Character::isDigit).count();
        return digits >= 8 && digits <= 15;
    }
}
