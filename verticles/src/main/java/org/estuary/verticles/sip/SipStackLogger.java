package org.estuary.verticles.sip;

import gov.nist.core.StackLogger;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JAIN-SIP's stack logger on SLF4J. Without it the stack links against log4j 1.x and fails to
 * start. The stack logs a line per message at INFO, so its info goes to DEBUG here.
 * Instantiated by JAIN-SIP by class name (gov.nist.javax.sip.STACK_LOGGER).
 */
public final class SipStackLogger implements StackLogger {
    private static final Logger LOG = LoggerFactory.getLogger("org.estuary.sip.stack");

    @Override public void logStackTrace() { }
    @Override public void logStackTrace(int traceLevel) { }
    @Override public int getLineCount() { return 0; }
    @Override public void logException(Throwable ex) { LOG.debug("SIP stack exception", ex); }
    @Override public void logDebug(String message) { LOG.trace(message); }
    @Override public void logDebug(String message, Exception ex) { LOG.trace(message, ex); }
    @Override public void logTrace(String message) { LOG.trace(message); }
    @Override public void logFatalError(String message) { LOG.error(message); }
    @Override public void logError(String message) { LOG.warn(message); }
    @Override public boolean isLoggingEnabled() { return LOG.isDebugEnabled(); }

    @Override
    public boolean isLoggingEnabled(int logLevel) {
        return switch (logLevel) {
            case TRACE_FATAL, TRACE_ERROR -> true;
            case TRACE_WARN -> LOG.isWarnEnabled();
            case TRACE_INFO -> LOG.isDebugEnabled();
            default -> LOG.isTraceEnabled();
        };
    }

    @Override public void logError(String message, Exception ex) { LOG.warn(message, ex); }
    @Override public void logWarning(String message) { LOG.warn(message); }
    @Override public void logInfo(String message) { LOG.debug(message); }
    @Override public void disableLogging() { }
    @Override public void enableLogging() { }
    @Override public void setBuildTimeStamp(String buildTimeStamp) { }
    @Override public void setStackProperties(Properties stackProperties) { }
    @Override public String getLoggerName() { return LOG.getName(); }
}
