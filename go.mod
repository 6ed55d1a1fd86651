module github.com/kafkadiag/kafkadiag

go 1.25.0

require github.com/alecthomas/kong v1.17.0

require github.com/google/go-cmp v0.7.0
