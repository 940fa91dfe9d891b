package skyverntest

import (
	"errors"
	"net/http"

	"github.com/skyvern-go/skyvern"
)

// This file serves scripts: created, listed, read, deployed as new
// versions and run, kept in the scriptStore (store_scripts.go).

// The routes of scripts.
const (
	RouteCreateScript = "POST /v1/scripts"
	RouteListScripts  = "GET /v1/scripts"
	RouteGetScript    = "GET /v1/scripts/{script_id}"
	RouteDeployScript = "POST /v1/scripts/{script_id}/deploy"
	// RouteRunScript refuses every call with 400 "Not implemented", as
	// the server's handler does, whatever the script id.
	RouteRunScript = "POST /v1/scripts/{script_id}/run"
)

// scriptRoutes are the routes of scripts.
var scriptRoutes = []route{
	{name: RouteCreateScript, body: body[skyvern.CreateScriptRequest](), handle: (*Server).handleCreateScript},
	{name: RouteListScripts, query: query[skyvern.ListScriptsParams](map[string]limit{
		"page": between(1, 0), "page_size": between(1, 0)}), handle: (*Server).handleListScripts},
	{name: RouteGetScript, handle: (*Server).handleGetScript},
	{name: RouteDeployScript, body: body[skyvern.DeployScriptRequest](), handle: (*Server).handleDeployScript},
	{name: RouteRunScript, handle: (*Server).handleRunScript},
}

// failWith answers a store's refusal with its status and detail, and any
// other error with 500.
func (c *call) failWith(err error) {
	var r *sessionRefusal
	if errors.As(err, &r) {
		c.fail(r.status, r.detail)
		return
	}
	c.fail(http.StatusInternalServerError, err.Error())
}

// handleCreateScript serves Create Script: a new script, version 1, from
// the request's files, answered with its file tree. A run_id must name a
// run of the fake.
//
// Server: skyvern/forge/sdk/routes/scripts.py create_script,
// skyvern/services/script_service.py create_script.
func (s *Server) handleCreateScript(c *call) {
	req := bodyOf[skyvern.CreateScriptRequest](c)
	if req.RunID != "" && s.st.run(req.RunID) == nil {
		c.fail(http.StatusNotFound, "Run_id "+req.RunID+" not found")
		return
	}
	v, err := s.scripts.create(s.orgID, req.RunID, req.Files, s.now())
	if err != nil {
		c.failWith(err)
		return
	}
	c.reply(v)
}

// handleListScripts serves Get Scripts: the latest version of each script,
// newest first, a page at a time (10 by default).
//
// Server: skyvern/forge/sdk/routes/scripts.py get_scripts.
func (s *Server) handleListScripts(c *call) {
	q := queryOf[skyvern.ListScriptsParams](c)
	c.reply(s.scripts.list(orDefault(q.Page, 1), orDefault(q.PageSize, 10)))
}

// handleGetScript serves Get Script: the latest version; 404 "Script not
// found" for an unknown id.
//
// Server: skyvern/forge/sdk/routes/scripts.py get_script.
func (s *Server) handleGetScript(c *call) {
	sc, err := s.scripts.latest(c.param("script_id"))
	if err != nil {
		c.failWith(err)
		return
	}
	c.reply(sc)
}

// handleDeployScript serves Deploy Script: a new version with the files
// sent in place of those of the same path.
//
// Server: skyvern/forge/sdk/routes/scripts.py deploy_script.
func (s *Server) handleDeployScript(c *call) {
	v, err := s.scripts.deploy(c.param("script_id"), bodyOf[skyvern.DeployScriptRequest](c).Files, s.now())
	if err != nil {
		c.failWith(err)
		return
	}
	c.reply(v)
}

// handleRunScript serves Run Script: 400 "Not implemented" for every
// call, a known script or not; the server's handler raises it before it
// reads anything.
//
// Server: skyvern/forge/sdk/routes/scripts.py run_script.
func (s *Server) handleRunScript(c *call) {
	c.fail(http.StatusBadRequest, "Not implemented")
}
