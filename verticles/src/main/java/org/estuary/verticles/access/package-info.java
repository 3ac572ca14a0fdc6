/**
 * Who may connect, publish and play: the node's {@link org.estuary.core.session.AdmissionChain}
 * filled from the {@code access} (static rules) and {@code hooks} (HTTP callbacks to the operator's
 * backend) settings, and the lifecycle notifications sent to that backend.
 */
package org.estuary.verticles.access;
