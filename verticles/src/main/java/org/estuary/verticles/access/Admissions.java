package org.estuary.verticles.access;

import io.vertx.core.Vertx;
import org.estuary.core.config.AccessConfig;
import org.estuary.core.config.HooksConfig;
import org.estuary.core.net.AddressFilter;
import org.estuary.core.session.AdmissionChain;
import org.estuary.core.session.StaticRules;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Fills a node's admission chain from its settings: static rules first, then the HTTP hooks. */
public final class Admissions {
    private static final Logger LOG = LoggerFactory.getLogger(Admissions.class);

    private Admissions() { }

    public static void configure(AdmissionChain chain, Vertx vertx, AccessConfig access, HooksConfig hooks,
                                 String nodeId) {
        StaticRules rules = new StaticRules(AddressFilter.parse(access.publishNetworks()),
                AddressFilter.parse(access.playNetworks()), access.publishSecret(), access.playSecret(),
                access.secretParam());
        if (rules.restrictsAnything()) {
            chain.add(rules);
            LOG.info("Static access rules on: publish from {} {}, play from {} {}",
                    access.publishNetworks().isEmpty() ? "anywhere" : access.publishNetworks(),
                    access.publishSecret().isEmpty() ? "" : "with secret",
                    access.playNetworks().isEmpty() ? "anywhere" : access.playNetworks(),
                    access.playSecret().isEmpty() ? "" : "with secret");
        }
        if (HttpHooks.configured(hooks)) {
            chain.add(new HttpHooks(vertx, hooks, nodeId));
            LOG.info("Authorisation hooks on: connect={} publish={} play={} (timeout {} ms, fail {})",
                    hooks.onConnect(), hooks.onPublish(), hooks.onPlay(), hooks.timeoutMs(),
                    hooks.failOpen() ? "open" : "closed");
        }
    }
}
