package io.streamrag.query.guard;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RegexPiiRedactorTest {

    private final RegexPiiRedactor redactor = new RegexPiiRedactor();

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "mail me at jane.doe+rag@example.co.kr today | mail me at [email] today | email",
            "call 010-1234-5678 now | call [phone] now | phone",
            "call 01012345678 now | call [phone] now | phone",
            "call +82 10 1234 5678 now | call [phone] now | phone",
            "office 02-123-4567 | office [phone] | phone",
            "US line +1 415 555 0132 | US line [phone] | phone",
            "card 4111 1111 1111 1111 ok | card [card] ok | card",
            "card 5500-0000-0000-0004 ok | card [card] ok | card",
            "주민번호 900101-1234568 입니다 | 주민번호 [rrn] 입니다 | rrn",
            "IBAN DE89 3704 0044 0532 0130 00 please | IBAN [iban] please | iban",
            "IBAN GB82WEST12345698765432 please | IBAN [iban] please | iban"})
    void shouldRedactEachKindOfPersonalData(String input, String expected, String kind) {
        // when
        PiiRedactor.Redaction redaction = redactor.redact(input);

        // then
        assertThat(redaction.text()).isEqualTo(expected);
        assertThat(redaction.kinds()).containsExactly(kind);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "Order 4111 1111 1111 1112 shipped",          // fails Luhn
            "The total is 1,234,567 won, paid on 2024-03-15.",
            "Invoice 20240315-0001 and order id 123456-7890123",
            "주민번호 형식 900101-1234567 (잘못된 검증 숫자)",   // checksum fails
            "birth 991332-1234567 is not a date",
            "IBAN DE89 3704 0044 0532 0130 01 typo",        // fails mod-97
            "version 10.2.3, port 8080, 3.14159, 50% off, 12:30",
            "Call extension 4567 or room 101"})
    void shouldLeaveOrdinaryNumbersAlone(String input) {
        // when
        PiiRedactor.Redaction redaction = redactor.redact(input);

        // then
        assertThat(redaction.text()).isEqualTo(input);
        assertThat(redaction.changed()).isFalse();
    }

    @Test
    void shouldRedactSeveralKindsInOneText_andReportEachHit() {
        // given
        String text = "Kim (kim@corp.kr, 010-9876-5432) paid with 4012 8888 8888 1881.";

        // when
        PiiRedactor.Redaction redaction = redactor.redact(text);

        // then
        assertThat(redaction.text()).isEqualTo("Kim ([email], [phone]) paid with [card].");
        assertThat(redaction.kinds()).containsExactly("email", "card", "phone");
    }

    @Test
    void shouldAcceptResidentNumbersIssuedAfterTheReformWithoutChecksum() {
        // given: born 2021 (gender digit 3), random tail since October 2020
        String text = "신생아 210315-3123456 등록";

        // when / then
        assertThat(redactor.redact(text).text()).isEqualTo("신생아 [rrn] 등록");
    }
}
