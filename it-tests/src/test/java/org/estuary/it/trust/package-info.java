/** Black-box tests of the trust features: admission hooks and static rules, REST authentication, TLS, limits. */
package org.estuary.it.trust;
