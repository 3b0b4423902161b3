package io.streamrag.query.check;

import io.streamrag.platform.embedding.Embedder;
import io.streamrag.platform.embedding.Embedders;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Runs the checker with the real MiniLM model (one embedAll call per answer). */
class SentenceGroundednessCheckerTest {

    private static Embedder embedder;
    private static SentenceGroundednessChecker checker;

    private static final List<String> REFUNDS = List.of(
            "Refunds are available within 30 days of purchase. After 30 days, purchases are not refundable.",
            "The Pro plan costs 1,000 dollars per year and includes 5 seats.");
    private static final List<String> HWAN = List.of(
            "환불은 구매일로부터 30일 이내에 신청할 수 있습니다. 30일이 지나면 환불되지 않습니다.",
            "프로 요금제는 연 1,000원이며 5명까지 사용할 수 있습니다.");

    @BeforeAll
    static void loadModel() {
        embedder = Embedders.miniLm(16, 1);
        checker = new SentenceGroundednessChecker(embedder);
    }

    @AfterAll
    static void closeModel() {
        embedder.close();
    }

    @Test
    void shouldAcceptParaphrases_withBoilerplateAndCitations() {
        // when
        GroundednessReport en = checker.check("According to the context, you can get a refund within 30 days of buying [1]. "
                + "The Pro plan is 1000 dollars a year with five seats.", REFUNDS);
        GroundednessReport ko = checker.check("문맥에 따르면 구매 후 30일 이내에 환불을 신청할 수 있습니다. 프로 요금제는 연 1천 원입니다.", HWAN);

        // then
        assertThat(en.hallucinated()).as(en.toString()).isFalse();
        assertThat(ko.hallucinated()).as(ko.toString()).isFalse();
    }

    @Test
    void shouldFlagANumberThatIsNotInTheContext() {
        // when
        GroundednessReport report = checker.check("The Pro plan costs 1,500 dollars per year.", REFUNDS);

        // then
        assertThat(report.hallucinated()).isTrue();
        assertThat(report.sentences().getFirst().reason()).contains("numbers not in the context");
    }

    @Test
    void shouldFlagAKnownNumberWithTheWrongUnit_inEnglishAndKorean() {
        // when
        GroundednessReport en = checker.check("Refunds are available within 30 weeks of purchase.", REFUNDS);
        GroundednessReport ko = checker.check("환불은 구매일로부터 30개월 이내에 신청할 수 있습니다.", HWAN);

        // then
        assertThat(en.hallucinated()).isTrue();
        assertThat(ko.hallucinated()).isTrue();
        assertThat(en.sentences().getFirst().reason()).contains("different unit");
    }

    @Test
    void shouldFlagNegationFlips_inEnglishAndKorean() {
        // when
        GroundednessReport en = checker.check("After 30 days, purchases are still refundable.", REFUNDS);
        GroundednessReport ko = checker.check("30일이 지나도 환불됩니다.", HWAN);

        // then
        assertThat(en.hallucinated()).as(en.toString()).isTrue();
        assertThat(ko.hallucinated()).as(ko.toString()).isTrue();
        assertThat(ko.sentences().getFirst().reason()).contains("negates");
    }

    @Test
    void shouldNotFlagARestatedNegation() {
        // when
        GroundednessReport report = checker.check("Purchases older than 30 days cannot be refunded.", REFUNDS);

        // then
        assertThat(report.hallucinated()).as(report.toString()).isFalse();
    }

    @Test
    void shouldFlagNamesThatTheContextNeverMentions() {
        // when
        GroundednessReport report = checker.check("The Pro plan includes 5 seats and a Salesforce integration.", REFUNDS);

        // then
        assertThat(report.hallucinated()).isTrue();
        assertThat(report.sentences().getFirst().reason()).contains("Salesforce");
    }

    @Test
    void shouldScoreEverySentence_andLetTheThresholdDecide() {
        // given
        String answer = "Refunds are available within 30 days. The Pro plan costs 1,500 dollars per year.";

        // when
        GroundednessReport strict = checker.check(answer, REFUNDS);
        GroundednessReport lenient = new SentenceGroundednessChecker(embedder, 0.1).check(answer, REFUNDS);

        // then
        assertThat(strict.sentences()).hasSize(2);
        assertThat(strict.sentences().get(0).supported()).isTrue();
        assertThat(strict.sentences().get(1).supported()).isFalse();
        assertThat(strict.score()).isEqualTo(strict.sentences().get(1).support());
        assertThat(lenient.hallucinated()).isFalse();
    }

    @Test
    void shouldTreatRefusalsAsNoClaim() {
        // when
        GroundednessReport report = checker.check("The context does not mention the shipping cost.", REFUNDS);

        // then
        assertThat(report.hallucinated()).isFalse();
        assertThat(report.score()).isEqualTo(1.0);
    }

    private static final List<String> RENTAL = List.of(
            "Renters must be at least 21 years old. Cars may not be driven more than 300 km per day.",
            "Damage to the tyres is excluded from the basic insurance. Two additional drivers can be registered for free.",
            "SUVs are available only at the airport branch.");
    private static final List<String> RENTAL_KO = List.of(
            "차량은 하루에 300km를 넘게 운행하지 마십시오. 타이어 손상은 기본 보험에서 제외됩니다.",
            "추가 운전자 2명을 무료로 등록할 수 있습니다. SUV는 공항 지점에서만 빌릴 수 있습니다.");

    @Test
    void shouldReadANegatedLimitAsTheLimit_notAsANegation() {
        // when
        GroundednessReport en = checker.check("You can drive a rented car at most 300 km a day.", RENTAL);
        GroundednessReport ko = checker.check("차량은 하루 300km 이하로 운행해야 합니다.", RENTAL_KO);

        // then
        assertThat(en.hallucinated()).as(en.toString()).isFalse();
        assertThat(ko.hallucinated()).as(ko.toString()).isFalse();
    }

    @Test
    void shouldTreatDenialWordsAsNegations_inEnglishAndKorean() {
        // when
        GroundednessReport restatedEn = checker.check("The basic insurance does not cover damage to the tyres.", RENTAL);
        GroundednessReport flippedEn = checker.check("Damage to the tyres is covered by the basic insurance.", RENTAL);
        GroundednessReport restatedKo = checker.check("기본 보험은 타이어 손상을 보장하지 않습니다.", RENTAL_KO);
        GroundednessReport flippedKo = checker.check("타이어 손상은 기본 보험에서 보장됩니다.", RENTAL_KO);

        // then
        assertThat(restatedEn.hallucinated()).as(restatedEn.toString()).isFalse();
        assertThat(flippedEn.hallucinated()).as(flippedEn.toString()).isTrue();
        assertThat(restatedKo.hallucinated()).as(restatedKo.toString()).isFalse();
        assertThat(flippedKo.hallucinated()).as(flippedKo.toString()).isTrue();
    }

    @Test
    void shouldFlagAUniversalClaim_whereTheContextRestrictsTheScope() {
        // when
        GroundednessReport en = checker.check("SUVs are available at all branches.", RENTAL);
        GroundednessReport ko = checker.check("SUV는 모든 지점에서 빌릴 수 있습니다.", RENTAL_KO);
        GroundednessReport restated = checker.check("You can rent an SUV only at the airport branch.", RENTAL);

        // then
        assertThat(en.hallucinated()).as(en.toString()).isTrue();
        assertThat(ko.hallucinated()).as(ko.toString()).isTrue();
        assertThat(restated.hallucinated()).as(restated.toString()).isFalse();
    }

    @Test
    void shouldFlagAContextNumberPutOnAnotherCountedThing() {
        // when
        GroundednessReport en = checker.check("Up to 21 additional drivers can be registered for free.", RENTAL);
        GroundednessReport ko = checker.check("추가 운전자 300명을 무료로 등록할 수 있습니다.", RENTAL_KO);

        // then
        assertThat(en.hallucinated()).as(en.toString()).isTrue();
        assertThat(ko.hallucinated()).as(ko.toString()).isTrue();
    }

    @Test
    void shouldFlagAFigureGivenPerAnotherPeriod_whenTheContextUsesBothPeriods() {
        // given
        List<String> deposit = List.of("The deposit earns 2.4% per year, and interest is paid out monthly.");

        // when
        GroundednessReport wrong = checker.check("The deposit earns 2.4% per month.", deposit);
        GroundednessReport right = checker.check("Interest of 2.4% a year is paid out every month.", deposit);

        // then
        assertThat(wrong.hallucinated()).as(wrong.toString()).isTrue();
        assertThat(right.hallucinated()).as(right.toString()).isFalse();
    }

    @Test
    void shouldFlagANounPhraseReplacedBetweenTheSameNeighbours_butNotARewordedPredicate() {
        // given
        List<String> museum = List.of("Guided tours start at the main entrance at 10 am.", "오디오 가이드는 안내 데스크에서 빌릴 수 있습니다.");

        // when
        GroundednessReport en = checker.check("Guided tours start at the gift shop at 10 am.", museum);
        GroundednessReport ko = checker.check("오디오 가이드는 기념품 가게에서 빌릴 수 있습니다.", museum);
        GroundednessReport reworded = checker.check("Guided tours begin at the main entrance at 10 am.", museum);

        // then
        assertThat(en.hallucinated()).as(en.toString()).isTrue();
        assertThat(ko.hallucinated()).as(ko.toString()).isTrue();
        assertThat(reworded.hallucinated()).as(reworded.toString()).isFalse();
    }

    @Test
    void shouldFlagAKoreanNounInTheRoleOfAnother_whereverItStands() {
        // given
        List<String> festival = List.of("축제는 10월 3일부터 5일까지 전주에서 열립니다.");

        // when
        GroundednessReport swapped = checker.check("축제는 광주에서 10월 3일부터 5일까지 열립니다.", festival);
        GroundednessReport restated = checker.check("축제는 전주에서 10월 3일부터 5일까지 열립니다.", festival);

        // then
        assertThat(swapped.hallucinated()).as(swapped.toString()).isTrue();
        assertThat(restated.hallucinated()).as(restated.toString()).isFalse();
    }

    @Test
    void shouldFlagTheOppositeAction_whenTheContextClauseCoordinatesBoth() {
        // given
        List<String> notes = List.of("The 5.0 update adds offline maps and removes the legacy export format.");

        // when
        GroundednessReport flipped = checker.check("The 5.0 update adds the legacy export format.", notes);
        GroundednessReport restated = checker.check("Version 5.0 drops the legacy export format and brings offline maps.", notes);

        // then
        assertThat(flipped.hallucinated()).as(flipped.toString()).isTrue();
        assertThat(restated.hallucinated()).as(restated.toString()).isFalse();
    }

    @Test
    void shouldFlagAnUnboundedClaim_whereTheContextGivesACount() {
        // when
        GroundednessReport en = checker.check("Additional drivers can be registered as often as you like.",
                List.of("A booking can be changed twice, and additional drivers can be registered once."));
        GroundednessReport ko = checker.check("예약은 무제한으로 변경할 수 있습니다.", List.of("예약은 두 번까지 변경할 수 있습니다."));

        // then
        assertThat(en.hallucinated()).as(en.toString()).isTrue();
        assertThat(ko.hallucinated()).as(ko.toString()).isTrue();
    }
}
