/** The runnable server: {@link org.estuary.verticles.Main} and the assembly of one node's verticles. */
package org.estuary.verticles;
