package skyvern

// DecodeBody is decodeBody, for the decode benchmarks of package skyvern_test.
var DecodeBody = decodeBody
