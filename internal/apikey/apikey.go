// Package apikey hands a Client's API key to the SDK's own modules, such
// as the browser module, which sends it on the WebSocket handshake with a
// Skyvern browser session. An internal package keeps the key out of reach
// of code outside this repository: the Client has no exported accessor.
package apikey

// Of returns the API key of c, a *skyvern.Client, or "" for anything else
// (a nil client included). Package skyvern sets it as it is initialised.
var Of = func(c any) string { return "" }
