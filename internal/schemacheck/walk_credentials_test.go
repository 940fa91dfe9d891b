package schemacheck

import "github.com/skyvern-go/skyvern/skyverntest"

// Bodies of credential requests, one per credential type.
const (
	passwordCredential = `{"name":"Portal","credential_type":"password","credential":` +
		`{"username":"ops@example.com","password":"hunter2","totp":"JBSWY3DPEHPK3PXP","totp_type":"email","totp_identifier":"ops@example.com"}}`
	cardCredential = `{"name":"Card","credential_type":"credit_card","vault_type":"bitwarden","credential":` +
		`{"card_number":"4242424242424242","card_cvv":"424","card_exp_month":"12","card_exp_year":"2030","card_brand":"visa","card_holder_name":"Jo Doe"}}`
	secretCredential = `{"name":"Token","credential_type":"secret","credential":{"secret_value":"tok","secret_label":"token"},` +
		`"proxy_location":"RESIDENTIAL","pin_saved_session_ip":true}`
	unknownCredential = "cred_404404404"
)

// credentialWalk walks the routes of credentials, 2FA codes and the
// server's version.
var credentialWalk = []step{
	{route: skyverntest.RouteGetServerVersion, path: "/v1/version", want: 200},
	{route: skyverntest.RouteGetServerVersion, path: "/v1/version", want: 403, key: "-", why: "no x-api-key"},

	{route: skyverntest.RouteCreateCredential, path: "/v1/credentials", want: 201, body: passwordCredential,
		save: map[string]string{"cred": "credential_id"}},
	{route: skyverntest.RouteCreateCredential, path: "/v1/credentials", want: 201, body: cardCredential,
		save: map[string]string{"card": "credential_id"}},
	{route: skyverntest.RouteCreateCredential, path: "/v1/credentials", want: 201, body: secretCredential,
		save: map[string]string{"secret": "credential_id"}},
	{route: skyverntest.RouteCreateCredential, path: "/v1/credentials", want: 422, body: `{}`, why: "name and credential are required"},
	{route: skyverntest.RouteCreateCredential, path: "/v1/credentials", want: 422,
		body: `{"name":"n","credential_type":"password","credential":{"username":"u"}}`, why: "a password credential needs its password"},
	{route: skyverntest.RouteCreateCredential, path: "/v1/credentials", want: 422,
		body: `{"name":"n","credential_type":"passkey","credential":{}}`, why: "credential_type is an enum"},
	{route: skyverntest.RouteCreateCredential, path: "/v1/credentials", want: 422,
		body: `{"name":"n","vault_type":"vault9","credential_type":"secret","credential":{"secret_value":"v"}}`, why: "vault_type is an enum"},

	{route: skyverntest.RouteGetCredential, path: "/v1/credentials/${cred}", want: 200},
	{route: skyverntest.RouteGetCredential, path: "/v1/credentials/${card}", want: 200},
	{route: skyverntest.RouteGetCredential, path: "/v1/credentials/${secret}", want: 200},
	{route: skyverntest.RouteGetCredential, path: "/v1/credentials/" + unknownCredential, want: 404},

	{route: skyverntest.RouteListCredentials, path: "/v1/credentials", want: 200},
	{route: skyverntest.RouteListCredentials, path: "/v1/credentials?credential_type=credit_card&vault_type=bitwarden&search=VISA", want: 200},
	{route: skyverntest.RouteListCredentials, path: "/v1/credentials?page=2&page_size=1", want: 200},
	{route: skyverntest.RouteListCredentials, path: "/v1/credentials?page=0", want: 422, why: "page starts at 1"},
	{route: skyverntest.RouteListCredentials, path: "/v1/credentials?credential_type=bogus", want: 422, why: "credential_type is an enum"},

	{route: skyverntest.RouteUpdateCredential, path: "/v1/credentials/${cred}/update", want: 200, body: passwordCredential},
	{route: skyverntest.RouteUpdateCredential, path: "/v1/credentials/${secret}/update", want: 200,
		body: `{"name":"Token 2","credential_type":"secret","credential":{"secret_value":"tok2"},"rotate_proxy_session_id":true}`},
	{route: skyverntest.RouteUpdateCredential, path: "/v1/credentials/" + unknownCredential + "/update", want: 404, body: passwordCredential},
	{route: skyverntest.RouteUpdateCredential, path: "/v1/credentials/${card}/update", want: 422,
		body: `{"name":"Card","credential_type":"credit_card","credential":{"card_number":"4242"}}`, why: "a card needs every member"},

	{route: skyverntest.RouteSendTOTPCode, path: "/v1/credentials/totp", want: 200,
		body: `{"totp_identifier":"ops@example.com","content":"123456","source":"email"}`},
	{route: skyverntest.RouteSendTOTPCode, path: "/v1/credentials/totp", want: 200,
		body: `{"totp_identifier":"ops@example.com","content":"Your code is 998877","task_id":"${task}"}`,
		why:  "a code taken from a message, for a run"},
	{route: skyverntest.RouteSendTOTPCode, path: "/v1/credentials/totp", want: 200,
		body: `{"totp_identifier":"ops@example.com","content":"Follow the link to sign in","expired_at":"2030-01-01T00:00:00Z"}`,
		why:  "a message without a code, held raw"},
	{route: skyverntest.RouteSendTOTPCode, path: "/v1/credentials/totp", want: 422, body: `{"totp_identifier":"i"}`, why: "content is required"},
	{route: skyverntest.RouteSendTOTPCode, path: "/v1/credentials/totp", want: 400,
		body: `{"totp_identifier":"i","content":"1","task_id":"` + unknownRun + `"}`, why: "an unknown task"},

	{route: skyverntest.RouteDeleteCredential, path: "/v1/credentials/${card}/delete", want: 204},
	{route: skyverntest.RouteDeleteCredential, path: "/v1/credentials/${card}/delete", want: 404, why: "deleted already"},
	{route: skyverntest.RouteGetCredential, path: "/v1/credentials/${card}", want: 404, why: "a deleted credential"},
}
