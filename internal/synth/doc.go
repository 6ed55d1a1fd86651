// Package synth generates large, deterministic benchmark inputs — captures
// and Kafka logs — with a realistic mix of healthy traffic and the anomalies
// kafkadiag's rules look for, and reports how many of each it planted so a
// benchmark can check the answer as well as the speed.
//
// Nothing here is a test fixture: the scenarios under testdata/ are real
// traffic from the lab. Synthetic inputs exist only because multi-GiB files
// cannot be committed and must be the same on every run.
package synth
