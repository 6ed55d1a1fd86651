module github.com/kafkadiag/kafkadiag

go 1.26.0

require (
	github.com/alecthomas/kong v1.17.0
	golang.org/x/crypto v0.58.0
)

require github.com/google/go-cmp v0.7.0
