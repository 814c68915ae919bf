package dev.tickcast.cli.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.BitmapEncoder.BitmapFormat;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The report's charts as PNG bytes (XChart, headless). */
public final class ReportCharts {

    public static final int WIDTH = 1000;
    public static final int HEIGHT = 380;
    private static final Color ACTUAL = new Color(0x22, 0x22, 0x22);
    private static final Color FORECAST = new Color(0xD6, 0x27, 0x28);
    private static final Color BAND = new Color(0xD6, 0x27, 0x28, 0x40);
    private static final Color NAIVE = new Color(0x7F, 0x7F, 0x7F);

    static {
        System.setProperty("java.awt.headless", "true"); // no display needed, also on a server
    }

    private ReportCharts() {}

    /** Every stride-th outcome (and the last), so a long series draws in bounded time and file size. */
    public static int stride(int n, int maxPoints) {
        return Math.max(1, (n + maxPoints - 1) / maxPoints);
    }

    /** Actual price, the forecast made for it, and the forecast's interval as a band. */
    public static byte[] price(String symbol, List<Outcome> outcomes, int maxPoints) {
        XYChart chart = xy(symbol + ": actual price vs forecast", "price");
        int step = stride(outcomes.size(), maxPoints);
        List<Date> t = new ArrayList<>();
        List<Double> actual = new ArrayList<>();
        List<Double> forecast = new ArrayList<>();
        List<Date> bandT = new ArrayList<>();
        List<Double> high = new ArrayList<>();
        List<Double> low = new ArrayList<>();
        for (int i = 0; i < outcomes.size(); i += step) {
            Outcome o = outcomes.get(i);
            Date d = Date.from(o.actualTime());
            t.add(d);
            actual.add(o.actual());
            forecast.add(o.forecast());
            if (Double.isFinite(o.low()) && Double.isFinite(o.high())) {
                bandT.add(d);
                high.add(o.high());
                low.add(o.low());
            }
        }
        if (bandT.size() > 1) {
            // The band is a polygon: along the upper ends, then back along the lower ends.
            List<Date> px = new ArrayList<>(bandT);
            List<Double> py = new ArrayList<>(high);
            for (int i = bandT.size() - 1; i >= 0; i--) {
                px.add(bandT.get(i));
                py.add(low.get(i));
            }
            XYSeries band = chart.addSeries("interval", px, py);
            band.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.PolygonArea);
            band.setFillColor(BAND);
            band.setLineColor(BAND);
            band.setMarker(SeriesMarkers.NONE);
        }
        line(chart.addSeries("actual", t, actual), ACTUAL);
        line(chart.addSeries("forecast", t, forecast), FORECAST);
        return png(chart);
    }

    /** Rolling mean absolute error over the last {@code window} outcomes, the model's against the naive forecast's. */
    public static byte[] rollingError(String symbol, List<Outcome> outcomes, int window, int maxPoints) {
        XYChart chart = xy(symbol + ": rolling MAE over " + window + " forecasts", "mean |error|");
        int step = stride(outcomes.size(), maxPoints);
        List<Date> t = new ArrayList<>();
        List<Double> model = new ArrayList<>();
        List<Double> naive = new ArrayList<>();
        double sum = 0;
        double naiveSum = 0;
        for (int i = 0; i < outcomes.size(); i++) {
            Outcome o = outcomes.get(i);
            sum += Math.abs(o.error());
            naiveSum += Math.abs(o.naiveError());
            if (i >= window) {
                sum -= Math.abs(outcomes.get(i - window).error());
                naiveSum -= Math.abs(outcomes.get(i - window).naiveError());
            }
            if (i % step == 0) {
                int n = Math.min(i + 1, window);
                t.add(Date.from(o.actualTime()));
                model.add(sum / n);
                naive.add(naiveSum / n);
            }
        }
        line(chart.addSeries("model", t, model), FORECAST);
        line(chart.addSeries("naive (last price)", t, naive), NAIVE);
        return png(chart);
    }

    /** Fraction of realised prices inside the forecast interval, per symbol. */
    public static byte[] coverage(Map<String, Double> coverageBySymbol, double nominal) {
        CategoryChart chart = new CategoryChartBuilder()
                .width(WIDTH)
                .height(HEIGHT)
                .title(String.format("Interval coverage (nominal %.0f%%)", nominal * 100))
                .yAxisTitle("share inside interval")
                .build();
        var styler = chart.getStyler();
        styler.setLegendVisible(false);
        styler.setYAxisMin(0.0);
        styler.setYAxisMax(1.0);
        styler.setChartBackgroundColor(Color.WHITE);
        styler.setXAxisLabelRotation(20);
        styler.setLabelsVisible(true);
        styler.setYAxisDecimalPattern("0.0%");
        List<String> symbols = new ArrayList<>(coverageBySymbol.keySet());
        chart.addSeries("coverage", symbols, new ArrayList<>(coverageBySymbol.values()))
                .setFillColor(FORECAST);
        var target = chart.addSeries(
                "nominal", symbols, symbols.stream().map(s -> nominal).toList());
        target.setChartCategorySeriesRenderStyle(org.knowm.xchart.CategorySeries.CategorySeriesRenderStyle.Line);
        target.setLineColor(ACTUAL);
        target.setMarker(SeriesMarkers.NONE);
        styler.setOverlapped(true); // the nominal line over the bars, not beside them
        return png(chart);
    }

    private static XYChart xy(String title, String yTitle) {
        XYChart chart = new XYChartBuilder()
                .width(WIDTH)
                .height(HEIGHT)
                .title(title)
                .yAxisTitle(yTitle)
                .build();
        var styler = chart.getStyler();
        styler.setLegendPosition(Styler.LegendPosition.InsideNW);
        styler.setChartBackgroundColor(Color.WHITE);
        styler.setMarkerSize(0);
        styler.setYAxisDecimalPattern("#,##0.####");
        styler.setDatePattern("yyyy-MM-dd");
        return chart;
    }

    private static void line(XYSeries s, Color color) {
        s.setMarker(SeriesMarkers.NONE);
        s.setLineColor(color);
        s.setLineWidth(1.2f);
        s.setLineStyle(new BasicStroke(1.2f));
    }

    private static byte[] png(Chart<?, ?> chart) {
        try {
            return BitmapEncoder.getBitmapBytes(chart, BitmapFormat.PNG);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot render a chart: " + e.getMessage(), e);
        }
    }
}
