"""Drive every method of Skyvern's official Python SDK against the fake.

Run by run.sh, which puts the SDK's `client` package on sys.path under the
name `skyvern_sdk` (so that importing it does not import the Skyvern server
in `skyvern/__init__.py`), and Debian's httpx beside it. Environment:
SKYVERN_BASE_URL, SKYVERN_API_KEY, and RESULTS_JSON (where to write the
per-call outcomes).

Every call ends in one of these outcomes:

  accepted    the SDK returned: its pydantic models took the fake's answer
  invalid     the fake answered 2xx but the SDK refused the answer (a
              pydantic ValidationError, or a body that is not JSON): a bug
              of the fake
  http        the fake answered an error status; `expected` says whether
              the real server refuses the same request (see the comment at
              the call), otherwise it is a bug of the fake to look at
  error       anything else (the SDK raised before or after the request)
  lenient     the fake accepted a request that the real server refuses
  n/a         the method was not called, for the reason given
"""

import inspect
import json
import os
import sys
import threading
import time
import traceback
from http.server import BaseHTTPRequestHandler, HTTPServer

import pydantic
import skyvern_sdk
from skyvern_sdk.core.api_error import ApiError

BASE_URL = os.environ["SKYVERN_BASE_URL"]
API_KEY = os.environ["SKYVERN_API_KEY"]

client = skyvern_sdk.Skyvern(base_url=BASE_URL, api_key=API_KEY, timeout=30)

results = []  # one dict per call


def short(v, n=400):
    s = repr(v)
    return s if len(s) <= n else s[:n] + "..."


def call(method, fn, *args, expect_status=None, why=None, **kwargs):
    """Call fn and record the outcome under the SDK method name `method`.

    expect_status: the status the real server answers for this request
    (with `why`, naming the server code); an HTTP error with that status
    is counted as expected.
    """
    rec = {"sdk": "python", "method": method}
    try:
        out = fn(*args, **kwargs)
        rec["outcome"] = "accepted"
        if expect_status is not None:
            rec["outcome"] = "lenient"
            rec["detail"] = f"the fake accepted a request the server refuses with {expect_status}"
            rec["why"] = why
        results.append(rec)
        return out
    except pydantic.ValidationError as e:
        rec["outcome"] = "invalid"
        rec["detail"] = explain(e)
        if expect_status is not None:  # a 2xx at all is the fake's leniency
            rec["outcome"] = "lenient"
            rec["detail"] = f"the fake answered 2xx where the server refuses with {expect_status}; and " + rec["detail"]
            rec["why"] = why
    except ApiError as e:
        rec["outcome"] = "http"
        rec["status"] = e.status_code
        rec["detail"] = short(e.body)
        if not (200 <= (e.status_code or 0) < 300):
            rec["expected"] = expect_status is not None and e.status_code == expect_status
            if why:
                rec["why"] = why
        else:
            # 2xx whose body is not JSON: the SDK raises ApiError from JSONDecodeError.
            rec["outcome"] = "invalid"
    except Exception as e:  # noqa: BLE001 - every other failure is recorded, not hidden
        rec["outcome"] = "error"
        rec["detail"] = f"{type(e).__name__}: {short(str(e))}"
        rec["trace"] = traceback.format_exc(limit=4)[-800:]
    results.append(rec)
    return None


def is_member_tag(seg):
    """Whether a pydantic error location segment names a union member
    (a model class, or a type such as 'str' or 'list[...]') rather than a
    field name (snake_case), list index or dict key."""
    return isinstance(seg, str) and (seg[:1].isupper() or "[" in seg or seg in ("str", "int", "float", "bool", "none"))


def closest_member_errors(errs, start=0):
    """Keep, at each union in the error locations, only the errors of the
    member with the fewest: the one the answer was meant to be. Fern's
    unions are not discriminated, so pydantic reports every member's."""
    out, unions = [], {}
    for e in errs:
        loc = tuple(e["loc"])
        i = next((j for j in range(start, len(loc)) if is_member_tag(loc[j])), None)
        if i is None:
            out.append(e)
        else:
            unions.setdefault(loc[:i], {}).setdefault(loc[i], []).append(e)
    for prefix, members in unions.items():
        # A member whose tag field (block_type, parameter_type, type) did not
        # match is not the one meant, however few its errors.
        def rank(es, n=len(prefix) + 1):
            tag_miss = any(x["type"] == "literal_error" and len(x["loc"]) == n + 1 for x in es)
            return (tag_miss, len(es))

        out += closest_member_errors(min(members.values(), key=rank), len(prefix) + 1)
    return out


def explain(e):
    errs = closest_member_errors(e.errors())
    lines = [f"{e.title}: {e.error_count()} errors; those of the closest union members:"]
    for x in errs[:8]:
        loc = ".".join(str(s) for s in x["loc"] if not is_member_tag(s))
        lines.append(f"    {loc}: {x['msg']} (input {short(x.get('input'), 120)})")
    if len(errs) > 8:
        lines.append(f"    ... {len(errs) - 8} more")
    return "\n".join(lines)


def not_applicable(method, why):
    results.append({"sdk": "python", "method": method, "outcome": "n/a", "why": why})


def attr(obj, name, default=None):
    return getattr(obj, name, default) if obj is not None else default


# A webhook receiver, so the runs' webhooks have somewhere to go.
class Hook(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 - http.server's name
        self.rfile.read(int(self.headers.get("content-length", "0")))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *a):
        pass


hook_server = HTTPServer(("127.0.0.1", 0), Hook)
threading.Thread(target=hook_server.serve_forever, daemon=True).start()
HOOK = f"http://127.0.0.1:{hook_server.server_address[1]}/hook"

WORKFLOW = {
    "title": "Invoices",
    "description": "fetch the invoices",
    "workflow_definition": {
        "parameters": [
            {"parameter_type": "workflow", "key": "month", "workflow_parameter_type": "string", "default_value": "May"}
        ],
        "blocks": [{"block_type": "task", "label": "fetch", "url": "https://example.com", "navigation_goal": "open the invoices"}],
    },
}


def wait_final(run_id, limit=20.0):
    """Poll get_run (recorded once) until the run reaches a final status."""
    deadline = time.monotonic() + limit
    while True:
        if time.monotonic() > deadline:
            print(f"py_driver: {run_id} not final after {limit}s", file=sys.stderr)
            return None
        try:
            r = client.get_run(run_id)
        except Exception:  # noqa: BLE001 - recorded by the get_run calls proper
            return None
        if attr(r, "status") in ("completed", "failed", "terminated", "timed_out", "canceled"):
            return r
        time.sleep(0.1)


def admin_finish(run_id, status):
    """End a run now with the given status, through the fake's admin API
    (not part of Skyvern's API: it only makes the fake produce a failed,
    terminated or timed-out run for the SDK calls that follow)."""
    import httpx

    httpx.post(f"{BASE_URL}/_skyverntest/runs/{run_id}/finish", headers={"x-api-key": API_KEY},
               json={"status": status, "failure_reason": f"ended as {status}"}, timeout=10)


def find_workflow(title):
    """The permanent id of the newest workflow with this title, read
    without the SDK (plain HTTP), or None."""
    import httpx

    r = httpx.get(f"{BASE_URL}/v1/workflows", params={"title": title}, headers={"x-api-key": API_KEY}, timeout=10)
    for w in r.json() if r.status_code == 200 else []:
        if w.get("title") == title:
            return w.get("workflow_permanent_id")
    return None


def rich_workflow(credential_id, other_wpid):
    nav = {"block_type": "navigation", "label": "open_row", "url": "https://example.com/{{ row }}", "navigation_goal": "open it"}
    return {
        "title": "Everything",
        "proxy_location": "RESIDENTIAL_GB",
        "webhook_callback_url": HOOK,
        "persist_browser_session": True,
        "workflow_definition": {
            "parameters": [
                {"parameter_type": "workflow", "key": "month", "workflow_parameter_type": "string", "default_value": "May"},
                {"parameter_type": "workflow", "key": "count", "workflow_parameter_type": "integer", "default_value": 1},
                {"parameter_type": "workflow", "key": "rows", "workflow_parameter_type": "json"},
                {"parameter_type": "workflow", "key": "creds", "workflow_parameter_type": "credential_id", "default_value": credential_id},
                {"parameter_type": "credential", "key": "login_cred", "credential_id": credential_id},
                {"parameter_type": "aws_secret", "key": "aws", "aws_key": "k"},
                {"parameter_type": "context", "key": "ctx", "source_parameter_key": "month"},
                {"parameter_type": "onepassword", "key": "op", "vault_id": "v", "item_id": "i"},
                {"parameter_type": "azure_vault_credential", "key": "az", "vault_name": "kv", "username_key": "u", "password_key": "p"},
                {"parameter_type": "bitwarden_login_credential", "key": "bw", "bitwarden_client_id_aws_secret_key": "a",
                 "bitwarden_client_secret_aws_secret_key": "b", "bitwarden_master_password_aws_secret_key": "c", "bitwarden_item_id": "item"},
                {"parameter_type": "bitwarden_sensitive_information", "key": "bws", "bitwarden_client_id_aws_secret_key": "a",
                 "bitwarden_client_secret_aws_secret_key": "b", "bitwarden_master_password_aws_secret_key": "c",
                 "bitwarden_collection_id": "col", "bitwarden_identity_key": "id", "bitwarden_identity_fields": ["ssn"]},
                {"parameter_type": "bitwarden_credit_card_data", "key": "bwc", "bitwarden_client_id_aws_secret_key": "a",
                 "bitwarden_client_secret_aws_secret_key": "b", "bitwarden_master_password_aws_secret_key": "c",
                 "bitwarden_collection_id": "col", "bitwarden_item_id": "item"},
            ],
            "blocks": [
                {"block_type": "task", "label": "task1", "url": "https://example.com", "navigation_goal": "go", "data_extraction_goal": "get",
                 "data_schema": {"type": "object"}, "parameter_keys": ["month"], "max_retries": 1},
                {"block_type": "task_v2", "label": "task2", "prompt": "do it", "url": "https://example.com"},
                {"block_type": "login", "label": "login1", "url": "https://example.com/login", "parameter_keys": ["login_cred"]},
                {"block_type": "action", "label": "act1", "navigation_goal": "click buy"},
                {"block_type": "extraction", "label": "ext1", "data_extraction_goal": "the price"},
                {"block_type": "for_loop", "label": "loop1", "loop_over_parameter_key": "rows", "loop_blocks": [nav]},
                {"block_type": "code", "label": "code1", "code": "result = 1"},
                {"block_type": "text_prompt", "label": "tp1", "prompt": "summarize", "json_schema": {"type": "object"}},
                {"block_type": "wait", "label": "wait1", "wait_sec": 2},
                {"block_type": "navigation", "label": "nav1", "url": "https://example.com", "navigation_goal": "go on"},
                {"block_type": "file_upload", "label": "fu1", "storage_type": "s3", "s3_bucket": "b", "aws_access_key_id": "a",
                 "aws_secret_access_key": "s", "region_name": "us-east-1"},
                {"block_type": "pdf_fill", "label": "fill1", "file_url": "https://example.com/f.pdf", "prompt": "fill it"},
                {"block_type": "split_pdf", "label": "split1", "file_url": "https://example.com/f.pdf", "prompt": "split it"},
                {"block_type": "google_sheets_read", "label": "gsr1", "spreadsheet_url": "https://docs.google.com/spreadsheets/d/x"},
                {"block_type": "google_sheets_write", "label": "gsw1", "spreadsheet_url": "https://docs.google.com/spreadsheets/d/x"},
                {"block_type": "email_inbox", "label": "inbox1", "email_client": "gmail"},
                {"block_type": "goto_url", "label": "goto1", "url": "https://example.com/next"},
                {"block_type": "http_request", "label": "http1", "method": "POST", "url": "https://example.com/api", "body": {"a": 1}},
                {"block_type": "send_email", "label": "mail1", "sender": "a@example.com", "recipients": ["b@example.com"],
                 "subject": "hi", "body": "hello"},
                {"block_type": "send_email", "label": "mail2", "sender": "a@example.com", "recipients": ["b@example.com"],
                 "subject": "hi", "body": "hello", "custom_smtp_host": "smtp.example.com", "custom_smtp_port": 587},
                {"block_type": "file_download", "label": "dl1", "navigation_goal": "download it"},
                {"block_type": "file_url_parser", "label": "fup1", "file_url": "https://example.com/a.csv", "file_type": "csv"},
                {"block_type": "pdf_parser", "label": "pdf1", "file_url": "https://example.com/a.pdf"},
                {"block_type": "validation", "label": "val1", "complete_criterion": "done"},
                {"block_type": "print_page", "label": "print1"},
                {"block_type": "upload_to_s3", "label": "up1", "path": "SKYVERN_DOWNLOAD_DIRECTORY"},
                {"block_type": "download_to_s3", "label": "down1", "url": "https://example.com/a.pdf"},
                {"block_type": "human_interaction", "label": "human1", "recipients": ["boss@example.com"]},
                {"block_type": "conditional", "label": "cond1", "branch_conditions": [
                    {"criteria": {"criteria_type": "jinja2_template", "expression": "{{ count > 1 }}"}, "next_block_label": "wait1"},
                    {"is_default": True, "next_block_label": None}]},
                {"block_type": "while_loop", "label": "while1", "condition": {"criteria_type": "jinja2_template", "expression": "{{ count < 3 }}"}, "loop_blocks": [
                    {"block_type": "wait", "label": "wait2", "wait_sec": 1}]},
                {"block_type": "workflow_trigger", "label": "trig1", "workflow_permanent_id": other_wpid},
            ],
        },
    }


def main():
    call("get_version", client.get_version)

    # Folders and workflows.
    folder = call("create_folder", client.create_folder, title="Finance", description="money")
    folder_id = attr(folder, "folder_id", "fld_missing")
    call("get_folders", client.get_folders, page=1, page_size=10)
    call("get_folder", client.get_folder, folder_id)
    call("update_folder", client.update_folder, folder_id, title="Finance 2")

    wf = call("create_workflow", client.create_workflow, json_definition=WORKFLOW)
    wpid = attr(wf, "workflow_permanent_id", "wpid_missing")
    call("create_workflow", client.create_workflow, yaml_definition="title: Receipts\nworkflow_definition: {parameters: [], blocks: []}\n")
    call("get_workflows", client.get_workflows, page=1, page_size=10)
    call("get_workflow", client.get_workflow, wpid)
    call("get_workflow_versions", client.get_workflow_versions, wpid)
    call("update_workflow", client.update_workflow, wpid, json_definition=dict(WORKFLOW, title="Invoices v2"))
    call("update_workflow_folder", client.update_workflow_folder, wpid, folder_id=folder_id)

    # Runs.
    task = call("run_task", client.run_task, prompt="find the price", url="https://example.com", webhook_url=HOOK)
    task_id = attr(task, "run_id", "tsk_missing")
    wr = call("run_workflow", client.run_workflow, agent_id=wpid, parameters={"month": "June"}, webhook_url=HOOK)
    wr_id = attr(wr, "run_id", "wr_missing")
    call("get_run", client.get_run, task_id)
    call("get_run", client.get_run, wr_id)
    wait_final(task_id)
    wait_final(wr_id)
    call("get_run", client.get_run, task_id)
    call("get_run", client.get_run, wr_id)
    call("get_run_timeline", client.get_run_timeline, wr_id)
    call("get_run_artifacts", client.get_run_artifacts, wr_id)
    call("get_run_artifacts", client.get_run_artifacts, task_id, artifact_type="screenshot_final")
    call("get_runs_v2", client.get_runs_v2, page=1, page_size=10)
    call("get_workflow_runs", client.get_workflow_runs, page=1, page_size=10)
    call("get_workflow_runs_by_id", client.get_workflow_runs_by_id, wpid, page=1, page_size=10)
    call("retry_run_webhook", client.retry_run_webhook, wr_id)
    call("retry_run_webhook", client.retry_run_webhook, task_id, request={"webhook_url": HOOK})
    call("retry_workflow_run", client.retry_workflow_run, wr_id)

    doomed = call("run_task", client.run_task, prompt="wait a while", url="https://example.com")
    call("cancel_run", client.cancel_run, attr(doomed, "run_id", "tsk_missing"))
    doomed2 = call("run_workflow", client.run_workflow, agent_id=wpid)
    doomed3 = call("run_task", client.run_task, prompt="wait again", url="https://example.com")
    call("bulk_cancel_runs", client.bulk_cancel_runs, run_ids=[attr(doomed2, "run_id", "wr_missing"), attr(doomed3, "run_id", "tsk_missing")])

    # Tags, on a workflow run and on a workflow.
    call("apply_run_tags", client.apply_run_tags, wr_id, tags=[{"key": "env", "value": "prod"}, {"key": "team", "value": "billing"}, {"value": "urgent"}], colors={"urgent": "red"})
    call("get_run_tags", client.get_run_tags, wr_id)
    call("get_run_tag_history", client.get_run_tag_history, wr_id, limit=10)
    call("batch_get_run_tags", client.batch_get_run_tags, workflow_run_ids=wr_id)
    call("batch_get_run_tags_post", client.batch_get_run_tags_post, workflow_run_ids=[wr_id])
    call("delete_run_tag", client.delete_run_tag, wr_id, "env")
    call("apply_workflow_tags", client.apply_workflow_tags, wpid, tags=[{"key": "team", "value": "ops"}])
    call("get_workflow_tags", client.get_workflow_tags, wpid)
    call("get_workflow_tag_history", client.get_workflow_tag_history, wpid, limit=10)
    call("batch_get_workflow_tags", client.batch_get_workflow_tags, workflow_permanent_ids=wpid)
    call("batch_get_workflow_tags_post", client.batch_get_workflow_tags_post, workflow_permanent_ids=[wpid])
    call("list_tag_keys", client.list_tag_keys)
    call("update_tag_key", client.update_tag_key, "team", description="who owns it")
    call("list_tag_values", client.list_tag_values, key="team")
    call("update_tag_value", client.update_tag_value, "team", value="billing", color="blue")
    call("rename_tag_value", client.rename_tag_value, "team", value="billing", new_value="finance")
    call("delete_tag_value", client.delete_tag_value, "team", value="ops")
    call("delete_workflow_tag", client.delete_workflow_tag, wpid, "team")
    call("delete_tag_key", client.delete_tag_key, "team")

    # Credentials of each type, and 2FA codes.
    pw = call("create_credential", client.create_credential, name="shop", credential_type="password",
              credential={"username": "ann", "password": "s3cret-pw", "totp": "JBSWY3DPEHPK3PXP", "totp_type": "authenticator"})
    card = call("create_credential", client.create_credential, name="card", credential_type="credit_card",
         credential={"card_number": "4242424242424242", "card_cvv": "123", "card_exp_month": "12", "card_exp_year": "2030",
                     "card_brand": "visa", "card_holder_name": "Ann Lee"})
    sec = call("create_credential", client.create_credential, name="token", credential_type="secret",
               credential={"secret_value": "tok-123", "secret_label": "api token"})
    pw_id = attr(pw, "credential_id", "cred_missing")
    call("get_credentials", client.get_credentials, page=1, page_size=10)
    call("get_credential", client.get_credential, pw_id)
    call("get_credential", client.get_credential, attr(card, "credential_id", "cred_missing"))
    call("get_credential", client.get_credential, attr(sec, "credential_id", "cred_missing"))
    call("update_credential", client.update_credential, pw_id, name="shop 2", credential_type="password",
         credential={"username": "ann", "password": "n3w-pw"})
    call("send_totp_code", client.send_totp_code, totp_identifier="ann@example.com", content="Your code is 123456")
    call("delete_credential", client.delete_credential, attr(sec, "credential_id", "cred_missing"))

    call("get_credentials", client.get_credentials, credential_type="credit_card")
    call("get_credentials", client.get_credentials, credential_type="secret", vault_type="skyvern")

    # A workflow of many block and parameter types, run to each final status:
    # its definition, runs and timeline are the richest answers the fake renders.
    rich = call("create_workflow", client.create_workflow, json_definition=rich_workflow(pw_id, wpid))
    # When the SDK refused the fake's answer, find the workflow without the
    # SDK, so that the calls below still run (and show what else is refused).
    rich_id = attr(rich, "workflow_permanent_id", None) or find_workflow("Everything") or wpid
    call("get_workflow", client.get_workflow, rich_id, version=1)
    call("get_workflow_versions", client.get_workflow_versions, rich_id)
    call("get_workflows", client.get_workflows, search_key="Everything", only_workflows=True, status=["published", "draft"])
    for status in ("completed", "failed", "terminated", "timed_out", "canceled"):
        run = call("run_workflow", client.run_workflow, agent_id=rich_id, parameters={"month": "June", "count": 3, "rows": [1, 2]},
                   title=f"rich {status}", run_metadata={"why": status})
        rid = attr(run, "run_id", "wr_missing")
        if status == "canceled":
            call("cancel_run", client.cancel_run, rid)
        elif status != "completed":
            admin_finish(rid, status)
        wait_final(rid)
        call("get_run", client.get_run, rid)
        call("get_run_timeline", client.get_run_timeline, rid)
        call("get_run_artifacts", client.get_run_artifacts, rid)
    call("get_workflow_runs_by_id", client.get_workflow_runs_by_id, rich_id, status=["failed", "terminated"])
    call("get_workflow_runs", client.get_workflow_runs, status="completed", search_key="rich")
    call("get_runs_v2", client.get_runs_v2, status=["failed", "canceled"], run_type="workflow_run")
    for status in ("failed", "terminated", "timed_out"):
        t = call("run_task", client.run_task, prompt=f"end as {status}", url="https://example.com", engine="skyvern-2.0",
                 data_extraction_schema={"type": "object", "properties": {"price": {"type": "number"}}}, max_steps=5)
        tid = attr(t, "run_id", "tsk_missing")
        admin_finish(tid, status)
        wait_final(tid)
        call("get_run", client.get_run, tid)
        call("get_run_timeline", client.get_run_timeline, tid)
    # Each engine gives the run another run_type, another member of GetRunResponse.
    for engine in ("skyvern-1.0", "skyvern-2.0", "openai-cua", "anthropic-cua", "ui-tars", "yutori-navigator"):
        t = call("run_task", client.run_task, prompt=f"with {engine}", url="https://example.com", engine=engine, title=engine)
        tid = attr(t, "run_id", "tsk_missing")
        wait_final(tid)
        call("get_run", client.get_run, tid)
        if engine == "skyvern-2.0":
            call("get_run_timeline", client.get_run_timeline, tid)
        else:
            call("get_run_timeline", client.get_run_timeline, tid, expect_status=400,
                 why="routes/agent_protocol.py get_run_timeline: 400 for a run that is neither a workflow run nor task_v2")
        call("get_run_artifacts", client.get_run_artifacts, tid)
    call("get_runs_v2", client.get_runs_v2, page=1, page_size=50)
    call("get_runs_v2", client.get_runs_v2, run_type=["task_v1", "openai_cua"])
    prof2 = call("create_browser_profile", client.create_browser_profile, name="from a run", workflow_run_id=rid)
    call("get_browser_profile", client.get_browser_profile, attr(prof2, "browser_profile_id", "bp_missing"))
    call("list_browser_profiles", client.list_browser_profiles, include_deleted=True)
    call("schedules.list_all", client.schedules.list_all, status="paused")
    call("get_workflow", client.get_workflow, wpid, template=False)
    call("batch_get_run_tags", client.batch_get_run_tags, workflow_run_ids=f"{wr_id},{rid}")
    # Definitions the server refuses: accepting them is the fake's leniency.
    bad = dict(WORKFLOW, title="Bad definition")
    bad["workflow_definition"] = dict(WORKFLOW["workflow_definition"], parameters=[
        {"parameter_type": "azure_secret", "key": "azs", "azure_key": "k"}])
    call("create_workflow", client.create_workflow, json_definition=bad, expect_status=422,
         why="schemas/workflows.py PARAMETER_YAML_TYPES has no azure_secret member: FastAPI answers 422")
    bad["workflow_definition"] = dict(WORKFLOW["workflow_definition"], parameters=[{"parameter_type": "output", "key": "extra"}])
    call("create_workflow", client.create_workflow, json_definition=bad, expect_status=422,
         why="workflow_definition_converter.py: 'Cannot manually create output parameters' (InvalidWorkflowDefinition, 422)")
    bad["workflow_definition"] = dict(WORKFLOW["workflow_definition"], blocks=[{"block_type": "wait", "label": "w"}])
    call("create_workflow", client.create_workflow, json_definition=bad, expect_status=422,
         why="workflow_definition_converter.py: a wait block's wait_sec defaults to 0, refused by InvalidWaitBlockTime (422)")
    bad["workflow_definition"] = dict(WORKFLOW["workflow_definition"], blocks=[
        {"block_type": "while_loop", "label": "wl", "condition": {"criteria_type": "python", "expression": "True"},
         "loop_blocks": [{"block_type": "wait", "label": "w", "wait_sec": 1}]}])
    call("create_workflow", client.create_workflow, json_definition=bad, expect_status=422,
         why="schemas/workflows.py BranchCriteriaYAML.criteria_type is 'jinja2_template' or 'prompt': pydantic's 422")
    bad["workflow_definition"] = dict(WORKFLOW["workflow_definition"], parameters=[
        {"parameter_type": "bitwarden_login_credential", "key": "bw", "bitwarden_client_id_aws_secret_key": "a",
         "bitwarden_client_secret_aws_secret_key": "b", "bitwarden_master_password_aws_secret_key": "c"}])
    call("create_workflow", client.create_workflow, json_definition=bad, expect_status=400,
         why="workflow_definition_converter.py: a Bitwarden login needs an item or collection id (WorkflowParameterMissingRequiredValue, 400)")

    # Browser sessions and profiles, login and download runs.
    bs = call("create_browser_session", client.create_browser_session, timeout=60)
    bs_id = attr(bs, "browser_session_id", "pbs_missing")
    call("get_browser_sessions", client.get_browser_sessions)
    call("get_browser_session", client.get_browser_session, bs_id)
    call("update_browser_session", client.update_browser_session, bs_id, generate_browser_profile=True)
    call("login", client.login, credential_type="skyvern", credential_id=pw_id, url="https://example.com/login", browser_session_id=bs_id)
    call("download_files", client.download_files, navigation_goal="download the invoice", url="https://example.com")
    call("run_sdk_action", client.run_sdk_action, url="https://example.com", browser_session_id=bs_id,
         action={"type": "ai_click", "intention": "press Buy"})
    call("run_sdk_action", client.run_sdk_action, url="https://example.com", browser_session_id=bs_id,
         action={"type": "extract", "prompt": "the price"})
    for action in ({"type": "ai_act", "prompt": "buy it"}, {"type": "ai_input_text", "intention": "type the name", "value": "Ann"},
                   {"type": "ai_select_option", "intention": "pick a size", "value": "M"},
                   {"type": "ai_upload_file", "intention": "attach the invoice", "file_url": "https://example.com/a.pdf"},
                   {"type": "locate_element", "prompt": "the buy button"}, {"type": "prompt", "prompt": "what is on the page?"},
                   {"type": "validate", "prompt": "is the cart empty?"}):
        call("run_sdk_action", client.run_sdk_action, url="https://example.com", browser_session_id=bs_id, action=action)
    for ctype, extra in (("bitwarden", {"bitwarden_collection_id": "c1", "bitwarden_item_id": "i1"}),
                         ("1password", {"onepassword_vault_id": "v1", "onepassword_item_id": "i1"}),
                         ("azure_vault", {"azure_vault_name": "kv", "azure_vault_username_key": "u", "azure_vault_password_key": "p"})):
        lr = call("login", client.login, credential_type=ctype, url="https://example.com/login", **extra)
        call("get_run", client.get_run, attr(lr, "run_id", "wr_missing"))
    call("close_browser_session", client.close_browser_session, bs_id)
    call("get_browser_session", client.get_browser_session, bs_id)
    prof = call("create_browser_profile", client.create_browser_profile, name="logged in", browser_session_id=bs_id)
    if prof is None:
        prof = call("create_browser_profile", client.create_browser_profile, name="from run", workflow_run_id=wr_id)
    prof_id = attr(prof, "browser_profile_id", "bp_missing")
    call("list_browser_profiles", client.list_browser_profiles, page=1, page_size=10)
    call("get_browser_profile", client.get_browser_profile, prof_id)
    call("update_browser_profile", client.update_browser_profile, prof_id, description="cookies of ann")
    call("agents.reset_workflow_browser_profile", client.agents.reset_workflow_browser_profile, wpid)
    call("delete_browser_profile", client.delete_browser_profile, prof_id)

    # Files. The SDK sends `file` as a form field, not a multipart file part.
    call("upload_file", client.upload_file, file="invoice.pdf", expect_status=422,
         why="routes/agent_protocol.py upload_file takes an UploadFile: a urlencoded string field is a 422 there too")

    # Custom LLMs.
    llm = call("create_custom_llm", client.create_custom_llm,
               config={"display_name": "hosted", "provider": "openai_compatible", "model_name": "gpt-x", "api_base": "https://llm.example.com/v1", "api_key": "sk-test"})
    llm_id = attr(attr(llm, "custom_llm"), "id", "llm_missing")
    call("list_custom_llms", client.list_custom_llms)
    call("update_custom_llm", client.update_custom_llm, llm_id,
         config={"display_name": "hosted 2", "provider": "openai_compatible", "model_name": "gpt-y", "api_base": "https://llm.example.com/v1", "api_key": "sk-test-2"})
    call("delete_custom_llm", client.delete_custom_llm, llm_id)

    # Scripts.
    sc = call("create_script", client.create_script, workflow_id=wpid,
              files=[{"path": "main.py", "content": "cHJpbnQoJ2hpJyk=", "encoding": "base64", "mime_type": "text/x-python"}])
    sc_id = attr(sc, "script_id", "s_missing")
    call("get_scripts", client.get_scripts, page=1, page_size=10)
    call("get_script", client.get_script, sc_id)
    call("deploy_script", client.deploy_script, sc_id, files=[{"path": "main.py", "content": "print('v2')", "encoding": "utf-8"}])
    call("scripts.run_script", client.scripts.run_script, sc_id, expect_status=400,
         why="routes/scripts.py run_script raises 400 'Not implemented' before it reads anything")

    # Schedules.
    s = call("schedules.create", client.schedules.create, wpid, cron_expression="0 9 * * 1", timezone="Europe/Paris",
             name="weekly", parameters={"month": "July"})
    s_id = attr(s, "workflow_schedule_id", None) or attr(attr(s, "schedule"), "workflow_schedule_id", "ws_missing")
    call("schedules.list", client.schedules.list, wpid)
    call("schedules.list_all", client.schedules.list_all, page=1, page_size=10)
    call("schedules.get", client.schedules.get, wpid, s_id)
    call("schedules.update", client.schedules.update, wpid, s_id, cron_expression="0 10 * * 1", timezone="UTC")
    call("schedules.disable", client.schedules.disable, wpid, s_id)
    call("schedules.enable", client.schedules.enable, wpid, s_id)
    call("schedules.delete", client.schedules.delete, wpid, s_id)

    # Clean-up calls last.
    call("delete_workflow", client.delete_workflow, wpid)
    call("delete_folder", client.delete_folder, folder_id, delete_workflows=True)

    # Every public method of the client and its sub-clients must have been driven.
    driven = {r["method"] for r in results}
    for obj, prefix in [(client, ""), (client.schedules, "schedules."), (client.scripts, "scripts."), (client.agents, "agents.")]:
        for name, _ in inspect.getmembers(type(obj), inspect.isfunction):
            if name.startswith("_"):
                continue
            full = prefix + name
            if full not in driven:
                not_applicable(full, "not driven by py_driver.py")

    with open(os.environ.get("RESULTS_JSON", "/dev/stdout"), "w") as f:
        json.dump(results, f, indent=1)
    hook_server.shutdown()


if __name__ == "__main__":
    sys.exit(main())
