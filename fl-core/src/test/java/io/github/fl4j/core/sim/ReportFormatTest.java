package io.github.fl4j.core.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ReportFormatTest {

    @Test
    void bitsUseDecimalUnits() {
        assertEquals("999 bit", ReportFormat.bits(999));
        assertEquals("1.00 kbit", ReportFormat.bits(1000));
        assertEquals("1.95 Mbit", ReportFormat.bits(1_952_000));
    }

    @Test
    void csvAndJsonLinesHaveEveryColumn() {
        RoundReport r = new RoundReport(3, 10, 0.5, Double.NaN, Double.NaN, 320, 640, 960, 1920, 2_500_000, 0);
        assertEquals("3,10,0.5,NaN,NaN,320,640,960,1920,2.500", CsvReportWriter.line(r));
        assertEquals("{\"round\":3,\"participants\":10,\"train_loss\":0.5,\"test_loss\":null,\"test_accuracy\":null,"
                + "\"uplink_bits\":320,\"downlink_bits\":640,\"cumulative_uplink_bits\":960,"
                + "\"cumulative_downlink_bits\":1920,\"wall_ms\":2.500}", JsonLinesReportWriter.line(r));
        assertEquals(CsvReportWriter.HEADER.split(",").length, CsvReportWriter.line(r).split(",").length);
    }
}
