package io.github.fl4j.core.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
        assertEquals("3,10,0.5,NaN,NaN,320,640,960,1920,2.500,NaN", CsvReportWriter.line(r));
        assertEquals("{\"round\":3,\"participants\":10,\"train_loss\":0.5,\"test_loss\":null,\"test_accuracy\":null,"
                + "\"uplink_bits\":320,\"downlink_bits\":640,\"cumulative_uplink_bits\":960,"
                + "\"cumulative_downlink_bits\":1920,\"wall_ms\":2.500,\"epsilon\":null}", JsonLinesReportWriter.line(r));
        assertEquals(CsvReportWriter.HEADER.split(",").length, CsvReportWriter.line(r).split(",").length);
        assertTrue(CsvReportWriter.HEADER.endsWith(",epsilon"));
        assertFalse(ReportFormat.line(r, 5).contains("eps"));
    }

    @Test
    void epsilonIsTheLastColumnAndShownWhenAccounted() {
        RoundReport r = new RoundReport(3, 10, 0.5, Double.NaN, Double.NaN, 320, 640, 960, 1920, 2_500_000, 0, 1.25);
        assertEquals("3,10,0.5,NaN,NaN,320,640,960,1920,2.500,1.25", CsvReportWriter.line(r));
        assertTrue(JsonLinesReportWriter.line(r).endsWith(",\"epsilon\":1.25}"));
        assertTrue(ReportFormat.line(r, 5).contains(" | eps 1.2500 | "), ReportFormat.line(r, 5));
        assertEquals(1.25, r.withoutTimings().epsilon());
    }

    /** Checkpoints keep the epsilon (report format 2) and still read reports of format 1 (epsilon NaN). */
    @Test
    void checkpointReportFormats() throws java.io.IOException {
        RoundReport r = new RoundReport(3, 10, 0.5, 0.25, 0.75, 320, 640, 960, 1920, 2_500_000, 7, 1.25);
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        Checkpoints.writeReport(r, new java.io.DataOutputStream(bytes));
        assertEquals(r, Checkpoints.readReport(new java.io.DataInputStream(
                new java.io.ByteArrayInputStream(bytes.toByteArray())), 2));
        byte[] v1 = java.util.Arrays.copyOf(bytes.toByteArray(), bytes.size() - 8);
        RoundReport old = Checkpoints.readReport(new java.io.DataInputStream(new java.io.ByteArrayInputStream(v1)), 1);
        assertEquals(new RoundReport(3, 10, 0.5, 0.25, 0.75, 320, 640, 960, 1920, 2_500_000, 7), old);
        assertTrue(Double.isNaN(old.epsilon()));
    }
}
