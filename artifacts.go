package skyvern

import (
	"context"
	"encoding/json"
	"iter"

	"github.com/skyvern-go/skyvern/internal/endpoint"
	"github.com/skyvern-go/skyvern/internal/jsonobj"
)

// ArtifactType is the kind of a run artifact. Values this SDK does not know
// yet decode as they are.
type ArtifactType string

// The artifact types Skyvern records.
const (
	ArtifactTypeRecording                   ArtifactType = "recording"
	ArtifactTypeAudio                       ArtifactType = "audio"
	ArtifactTypeSessionReplay               ArtifactType = "session_replay"
	ArtifactTypeEvalScore                   ArtifactType = "eval_score"
	ArtifactTypeEvalTrajectory              ArtifactType = "eval_trajectory"
	ArtifactTypeEvalRubrics                 ArtifactType = "eval_rubrics"
	ArtifactTypeBrowserConsoleLog           ArtifactType = "browser_console_log"
	ArtifactTypeBrowserSessionActionLog     ArtifactType = "browser_session_action_log"
	ArtifactTypeSkyvernLog                  ArtifactType = "skyvern_log"
	ArtifactTypeSkyvernLogRaw               ArtifactType = "skyvern_log_raw"
	ArtifactTypeScreenshot                  ArtifactType = "screenshot"
	ArtifactTypeScreenshotLLM               ArtifactType = "screenshot_llm"
	ArtifactTypeScreenshotAction            ArtifactType = "screenshot_action"
	ArtifactTypeScreenshotFinal             ArtifactType = "screenshot_final"
	ArtifactTypeScreenshotProxy             ArtifactType = "screenshot_proxy"
	ArtifactTypeLLMPrompt                   ArtifactType = "llm_prompt"
	ArtifactTypeLLMRequest                  ArtifactType = "llm_request"
	ArtifactTypeLLMResponse                 ArtifactType = "llm_response"
	ArtifactTypeLLMResponseParsed           ArtifactType = "llm_response_parsed"
	ArtifactTypeLLMResponseRendered         ArtifactType = "llm_response_rendered"
	ArtifactTypeVisibleElementsIDCSSMap     ArtifactType = "visible_elements_id_css_map"
	ArtifactTypeVisibleElementsIDFrameMap   ArtifactType = "visible_elements_id_frame_map"
	ArtifactTypeVisibleElementsTree         ArtifactType = "visible_elements_tree"
	ArtifactTypeVisibleElementsTreeTrimmed  ArtifactType = "visible_elements_tree_trimmed"
	ArtifactTypeVisibleElementsTreeInPrompt ArtifactType = "visible_elements_tree_in_prompt"
	ArtifactTypeHashedHrefMap               ArtifactType = "hashed_href_map"
	ArtifactTypeVisibleElementsIDXPathMap   ArtifactType = "visible_elements_id_xpath_map"
	ArtifactTypeHTML                        ArtifactType = "html"
	ArtifactTypeHTMLScrape                  ArtifactType = "html_scrape"
	ArtifactTypeHTMLAction                  ArtifactType = "html_action"
	ArtifactTypeTrace                       ArtifactType = "trace"
	ArtifactTypeHAR                         ArtifactType = "har"
	ArtifactTypeScriptFile                  ArtifactType = "script_file"
	ArtifactTypePDF                         ArtifactType = "pdf"
	ArtifactTypeStepArchive                 ArtifactType = "step_archive"
	ArtifactTypeTaskArchive                 ArtifactType = "task_archive"
	ArtifactTypeDownload                    ArtifactType = "download"
)

// Artifact is a file Skyvern recorded during a run: a screenshot, the
// recording, the page's HTML, a model prompt, a download, and so on.
type Artifact struct {
	ArtifactID   string       `json:"artifact_id,omitempty"`
	ArtifactType ArtifactType `json:"artifact_type,omitempty"`
	// URI is where Skyvern stores the artifact; SignedURL, when set, is a
	// temporary URL to download it.
	URI                string `json:"uri,omitempty"`
	SignedURL          string `json:"signed_url,omitempty"`
	BundleKey          string `json:"bundle_key,omitempty"`
	Checksum           string `json:"checksum,omitempty"`
	FileSize           *int64 `json:"file_size,omitempty"`
	RunID              string `json:"run_id,omitempty"`
	TaskID             string `json:"task_id,omitempty"`
	StepID             string `json:"step_id,omitempty"`
	WorkflowRunID      string `json:"workflow_run_id,omitempty"`
	WorkflowRunBlockID string `json:"workflow_run_block_id,omitempty"`
	BrowserSessionID   string `json:"browser_session_id,omitempty"`
	ObserverCruiseID   string `json:"observer_cruise_id,omitempty"`
	ObserverThoughtID  string `json:"observer_thought_id,omitempty"`
	AISuggestionID     string `json:"ai_suggestion_id,omitempty"`
	Archived           bool   `json:"archived"`
	OrganizationID     string `json:"organization_id,omitempty"`
	// CreatedAt and ModifiedAt are datetimes as Skyvern writes them
	// ("2026-01-31T15:20:42.160725", UTC). Skyvern's API types them as
	// plain strings, so they are kept as received, whatever they hold;
	// ParseTime reads one.
	CreatedAt  string `json:"created_at,omitempty"`
	ModifiedAt string `json:"modified_at,omitempty"`

	// Extra holds members this type does not model.
	Extra map[string]json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes an artifact, keeping unmodelled members in Extra.
func (a *Artifact) UnmarshalJSON(data []byte) error { return jsonobj.Unmarshal(data, a) }

// MarshalJSON encodes the artifact, Extra included.
func (a Artifact) MarshalJSON() ([]byte, error) { return jsonobj.Marshal(a) }

// ListRunArtifacts iterates over the artifacts a run recorded, optionally
// only those of the given types. The server does not page this list: one
// request, made when iteration starts, fetches it.
//
// It calls GET /v1/runs/{run_id}/artifacts, with one artifact_type query
// parameter per type. Errors: ErrEmptyID; an *APIError (ErrNotFound, ...); a
// *RequestError.
func (c *Client) ListRunArtifacts(ctx context.Context, runID string, types []ArtifactType, opts ...Option) iter.Seq2[*Artifact, error] {
	return whole(ctx, func(ctx context.Context) ([]Artifact, error) {
		q := struct {
			Types []ArtifactType `url:"artifact_type,omitempty"`
		}{types}
		var out []Artifact
		if err := c.do(ctx, request{Call: endpoint.ListRunArtifacts.With(runID), query: q}, &out, opts); err != nil {
			return nil, err
		}
		return out, nil
	})
}
