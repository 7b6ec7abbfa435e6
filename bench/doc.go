// Package bench holds spillcheck's scale benchmarks: Go benchmarks that
// drive the scanner pipeline (scanner.Runner with the real probes) against
// real servers on loopback, and, beside them, the fleet scripts (bench/fleet,
// bench/run) that measure the spillcheck binary against a fleet of
// thousands of targets. See bench/README.md and docs/scale.md.
//
// Everything here dials only 127.0.0.0/8 and, in bench/fleet's network
// namespace, 198.18.0.0/15.
package bench
