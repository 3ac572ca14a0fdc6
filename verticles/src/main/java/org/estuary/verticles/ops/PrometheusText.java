package org.estuary.verticles.ops;

/** Writes the Prometheus text exposition format; small enough that a metrics library is not needed. */
final class PrometheusText {
    private final StringBuilder sb = new StringBuilder();

    void gauge(String name, String help, long value) {
        metric(name, help, "gauge", value);
    }

    void counter(String name, String help, long value) {
        metric(name, help, "counter", value);
    }

    /** One counter with one label, a sample per label value (e.g. refusals by limit). */
    void labelledCounter(String name, String help, String label, java.util.Map<String, Long> values) {
        sb.append("# HELP ").append(name).append(' ').append(help).append('\n');
        sb.append("# TYPE ").append(name).append(" counter\n");
        values.forEach((k, v) -> sb.append(name).append('{').append(label).append("=\"").append(k).append("\"} ")
                .append(v).append('\n'));
    }

    private void metric(String name, String help, String type, long value) {
        sb.append("# HELP ").append(name).append(' ').append(help).append('\n');
        sb.append("# TYPE ").append(name).append(' ').append(type).append('\n');
        sb.append(name).append(' ').append(value).append('\n');
    }

    @Override
    public String toString() {
        return sb.toString();
    }
}
