/**
 * Recording rules that need no I/O: file name templates (the reference's placeholders) with the
 * sanitising that keeps every name inside the records directory, and rotation limits.
 */
package org.estuary.core.record;
