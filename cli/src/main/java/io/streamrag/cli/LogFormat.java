package io.streamrag.cli;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import org.slf4j.LoggerFactory;

import java.net.URL;

/**
 * The format of the log lines on stderr ({@code log.format}, env {@code LOG_FORMAT}): {@code text} for people,
 * {@code json} for log collectors (one object per line, see {@link JsonLineEncoder}). Applied at start, before the
 * application logs anything of its own.
 */
enum LogFormat {
    TEXT("/logback.xml"), JSON("/logback-json.xml");

    private final String resource;

    LogFormat(String resource) {
        this.resource = resource;
    }

    /** "json" (any case) is JSON; anything else, or nothing, keeps text. */
    static LogFormat of(String value) {
        return value != null && value.strip().equalsIgnoreCase("json") ? JSON : TEXT;
    }

    /** Reconfigures logback with this format's configuration (a no-op when another SLF4J binding is in use). */
    void apply() {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        URL config = LogFormat.class.getResource(resource);
        if (config == null) {
            throw new IllegalStateException("missing logging configuration " + resource);
        }
        context.reset();
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        try {
            configurator.doConfigure(config);
        } catch (JoranException e) {
            throw new IllegalStateException("cannot apply the logging configuration " + resource + ": " + e.getMessage(), e);
        }
    }
}
