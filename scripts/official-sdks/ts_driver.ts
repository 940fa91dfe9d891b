// Drive every method of Skyvern's official TypeScript SDK against the fake.
//
// run.sh copies this file beside a copy of the SDK's src/ (as ./sdk/src)
// and compiles both with tsc, so the calls below are type-checked against
// the SDK's request types. Environment: SKYVERN_BASE_URL, SKYVERN_API_KEY,
// RESULTS_JSON. The outcomes are those of py_driver.py. The TypeScript SDK
// casts each answer to its type without checking it, so "accepted" here
// means: a 2xx status and a JSON body (or an empty one where the method
// returns nothing); shapes are checked by the Python SDK's models.

import * as http from "node:http";
import * as fs from "node:fs";
import { SkyvernClient } from "./sdk/src/Client.js";
import { SkyvernError } from "./sdk/src/errors/index.js";

type Rec = {
    sdk: "typescript";
    method: string;
    outcome: "accepted" | "invalid" | "http" | "error" | "n/a";
    status?: number;
    expected?: boolean;
    detail?: string;
    why?: string;
};

const client = new SkyvernClient({
    baseUrl: process.env.SKYVERN_BASE_URL!,
    apiKey: process.env.SKYVERN_API_KEY!,
    maxRetries: 0,
    timeoutInSeconds: 30,
});

const results: Rec[] = [];

function short(v: unknown, n = 400): string {
    const s = typeof v === "string" ? v : JSON.stringify(v);
    return s === undefined ? String(v) : s.length <= n ? s : s.slice(0, n) + "...";
}

// call runs one SDK call and records its outcome under the method's name.
// expect/why: the status the real server answers for this request, and the
// server code that says so.
async function call<T>(method: string, fn: () => Promise<T>, expect?: number, why?: string): Promise<T | undefined> {
    const rec: Rec = { sdk: "typescript", method, outcome: "accepted" };
    try {
        const out = await fn();
        results.push(rec);
        return out;
    } catch (e) {
        if (e instanceof SkyvernError) {
            rec.status = e.statusCode;
            rec.detail = short(e.body ?? e.message);
            if (e.statusCode !== undefined && e.statusCode >= 200 && e.statusCode < 300) {
                rec.outcome = "invalid"; // 2xx the SDK could not read (not JSON)
            } else {
                rec.outcome = "http";
                rec.expected = expect !== undefined && e.statusCode === expect;
                if (why) rec.why = why;
            }
        } else {
            rec.outcome = "error";
            rec.detail = short(String(e));
        }
    }
    results.push(rec);
    return undefined;
}

function sleep(ms: number): Promise<void> {
    return new Promise((r) => setTimeout(r, ms));
}

async function waitFinal(runId: string, limitMs = 20000): Promise<void> {
    const deadline = Date.now() + limitMs;
    while (Date.now() < deadline) {
        try {
            const r = await client.getRun(runId);
            if (["completed", "failed", "terminated", "timed_out", "canceled"].includes(String(r.status))) return;
        } catch {
            return;
        }
        await sleep(100);
    }
}

const WORKFLOW = {
    title: "Invoices",
    description: "fetch the invoices",
    workflow_definition: {
        parameters: [
            { parameter_type: "workflow" as const, key: "month", workflow_parameter_type: "string" as const, default_value: "May" },
        ],
        blocks: [{ block_type: "task" as const, label: "fetch", url: "https://example.com", navigation_goal: "open the invoices" }],
    },
};

async function main(): Promise<void> {
    // A webhook receiver, so the runs' webhooks have somewhere to go.
    const hookServer = http.createServer((req, res) => {
        req.resume();
        req.on("end", () => res.end());
    });
    await new Promise<void>((r) => hookServer.listen(0, "127.0.0.1", r));
    const addr = hookServer.address();
    const HOOK = `http://127.0.0.1:${typeof addr === "object" && addr ? addr.port : 0}/hook`;

    await call("getVersion", () => client.getVersion());

    // Folders and workflows.
    const folder = await call("createFolder", () => client.createFolder({ title: "Finance", description: "money" }));
    const folderId = folder?.folder_id ?? "fld_missing";
    await call("getFolders", () => client.getFolders({ page: 1, page_size: 10 }));
    await call("getFolder", () => client.getFolder(folderId));
    await call("updateFolder", () => client.updateFolder(folderId, { title: "Finance 2" }));

    const wf = await call("createWorkflow", () => client.createWorkflow({ body: { json_definition: WORKFLOW } }));
    const wpid = wf?.workflow_permanent_id ?? "wpid_missing";
    await call("createWorkflow", () =>
        client.createWorkflow({ body: { yaml_definition: "title: Receipts\nworkflow_definition: {parameters: [], blocks: []}\n" } }),
    );
    await call("getWorkflows", () => client.getWorkflows({ page: 1, page_size: 10 }));
    await call("getWorkflow", () => client.getWorkflow(wpid));
    await call("getWorkflowVersions", () => client.getWorkflowVersions(wpid));
    await call("updateWorkflow", () => client.updateWorkflow(wpid, { json_definition: { ...WORKFLOW, title: "Invoices v2" } }));
    await call("updateWorkflowFolder", () => client.updateWorkflowFolder(wpid, { folder_id: folderId }));

    // Runs.
    const task = await call("runTask", () => client.runTask({ prompt: "find the price", url: "https://example.com", webhook_url: HOOK }));
    const taskId = task?.run_id ?? "tsk_missing";
    const wr = await call("runWorkflow", () =>
        client.runWorkflow({ agent_id: wpid, parameters: { month: "June" }, webhook_url: HOOK }),
    );
    const wrId = wr?.run_id ?? "wr_missing";
    await call("getRun", () => client.getRun(taskId));
    await call("getRun", () => client.getRun(wrId));
    await waitFinal(taskId);
    await waitFinal(wrId);
    await call("getRun", () => client.getRun(taskId));
    await call("getRun", () => client.getRun(wrId));
    await call("getRunTimeline", () => client.getRunTimeline(wrId));
    await call("getRunArtifacts", () => client.getRunArtifacts(wrId));
    await call("getRunArtifacts", () => client.getRunArtifacts(taskId, { artifact_type: "screenshot_final" }));
    await call("getRunsV2", () => client.getRunsV2({ page: 1, page_size: 10 }));
    await call("getWorkflowRuns", () => client.getWorkflowRuns({ page: 1, page_size: 10 }));
    await call("getWorkflowRunsById", () => client.getWorkflowRunsById(wpid, { page: 1, page_size: 10 }));
    await call("retryRunWebhook", () => client.retryRunWebhook(wrId));
    await call("retryRunWebhook", () => client.retryRunWebhook(taskId, { webhook_url: HOOK }));
    await call("retryWorkflowRun", () => client.retryWorkflowRun(wrId));

    const doomed = await call("runTask", () => client.runTask({ prompt: "wait a while", url: "https://example.com" }));
    await call("cancelRun", () => client.cancelRun(doomed?.run_id ?? "tsk_missing"));
    const doomed2 = await call("runWorkflow", () => client.runWorkflow({ agent_id: wpid }));
    const doomed3 = await call("runTask", () => client.runTask({ prompt: "wait again", url: "https://example.com" }));
    await call("bulkCancelRuns", () =>
        client.bulkCancelRuns({ run_ids: [doomed2?.run_id ?? "wr_missing", doomed3?.run_id ?? "tsk_missing"] }),
    );

    // Tags, on a workflow run and on a workflow.
    await call("applyRunTags", () =>
        client.applyRunTags(wrId, {
            tags: [{ key: "env", value: "prod" }, { key: "team", value: "billing" }, { value: "urgent" }],
            colors: { urgent: "red" },
        }),
    );
    await call("getRunTags", () => client.getRunTags(wrId));
    await call("getRunTagHistory", () => client.getRunTagHistory(wrId, { limit: 10 }));
    await call("batchGetRunTags", () => client.batchGetRunTags({ workflow_run_ids: wrId }));
    await call("batchGetRunTagsPost", () => client.batchGetRunTagsPost({ workflow_run_ids: [wrId] }));
    await call("deleteRunTag", () => client.deleteRunTag(wrId, "env"));
    await call("applyWorkflowTags", () => client.applyWorkflowTags(wpid, { tags: [{ key: "team", value: "ops" }] }));
    await call("getWorkflowTags", () => client.getWorkflowTags(wpid));
    await call("getWorkflowTagHistory", () => client.getWorkflowTagHistory(wpid, { limit: 10 }));
    await call("batchGetWorkflowTags", () => client.batchGetWorkflowTags({ workflow_permanent_ids: wpid }));
    await call("batchGetWorkflowTagsPost", () => client.batchGetWorkflowTagsPost({ workflow_permanent_ids: [wpid] }));
    await call("listTagKeys", () => client.listTagKeys());
    await call("updateTagKey", () => client.updateTagKey("team", { description: "who owns it" }));
    await call("listTagValues", () => client.listTagValues({ key: "team" }));
    await call("updateTagValue", () => client.updateTagValue("team", { value: "billing", color: "blue" }));
    await call("renameTagValue", () => client.renameTagValue("team", { value: "billing", new_value: "finance" }));
    await call("deleteTagValue", () => client.deleteTagValue("team", { value: "ops" }));
    await call("deleteWorkflowTag", () => client.deleteWorkflowTag(wpid, "team"));
    await call("deleteTagKey", () => client.deleteTagKey("team"));

    // Credentials of each type, and 2FA codes.
    const pw = await call("createCredential", () =>
        client.createCredential({
            name: "shop",
            credential_type: "password",
            credential: { username: "ann", password: "s3cret-pw", totp: "JBSWY3DPEHPK3PXP", totp_type: "authenticator" },
        }),
    );
    await call("createCredential", () =>
        client.createCredential({
            name: "card",
            credential_type: "credit_card",
            credential: {
                card_number: "4242424242424242",
                card_cvv: "123",
                card_exp_month: "12",
                card_exp_year: "2030",
                card_brand: "visa",
                card_holder_name: "Ann Lee",
            },
        }),
    );
    const sec = await call("createCredential", () =>
        client.createCredential({ name: "token", credential_type: "secret", credential: { secret_value: "tok-123", secret_label: "api token" } }),
    );
    const pwId = pw?.credential_id ?? "cred_missing";
    await call("getCredentials", () => client.getCredentials({ page: 1, page_size: 10 }));
    await call("getCredential", () => client.getCredential(pwId));
    await call("updateCredential", () =>
        client.updateCredential(pwId, { name: "shop 2", credential_type: "password", credential: { username: "ann", password: "n3w-pw" } }),
    );
    await call("sendTotpCode", () => client.sendTotpCode({ totp_identifier: "ann@example.com", content: "Your code is 123456" }));
    await call("deleteCredential", () => client.deleteCredential(sec?.credential_id ?? "cred_missing"));

    // Browser sessions and profiles, login and download runs, SDK actions.
    const bs = await call("createBrowserSession", () => client.createBrowserSession({ timeout: 60 }));
    const bsId = bs?.browser_session_id ?? "pbs_missing";
    await call("getBrowserSessions", () => client.getBrowserSessions());
    await call("getBrowserSession", () => client.getBrowserSession(bsId));
    await call("updateBrowserSession", () => client.updateBrowserSession(bsId, { generate_browser_profile: true }));
    await call("login", () =>
        client.login({ credential_type: "skyvern", credential_id: pwId, url: "https://example.com/login", browser_session_id: bsId }),
    );
    await call("downloadFiles", () => client.downloadFiles({ navigation_goal: "download the invoice", url: "https://example.com" }));
    await call("runSdkAction", () =>
        client.runSdkAction({ url: "https://example.com", browser_session_id: bsId, action: { type: "ai_click", intention: "press Buy" } }),
    );
    await call("runSdkAction", () =>
        client.runSdkAction({ url: "https://example.com", browser_session_id: bsId, action: { type: "extract", prompt: "the price" } }),
    );
    await call("closeBrowserSession", () => client.closeBrowserSession(bsId));
    const prof = await call("createBrowserProfile", () => client.createBrowserProfile({ name: "logged in", browser_session_id: bsId }));
    const profId = prof?.browser_profile_id ?? "bp_missing";
    await call("listBrowserProfiles", () => client.listBrowserProfiles({ page: 1, page_size: 10 }));
    await call("getBrowserProfile", () => client.getBrowserProfile(profId));
    await call("updateBrowserProfile", () => client.updateBrowserProfile(profId, { description: "cookies of ann" }));
    await call("agents.resetWorkflowBrowserProfile", () => client.agents.resetWorkflowBrowserProfile(wpid));
    await call("deleteBrowserProfile", () => client.deleteBrowserProfile(profId));

    // Files. The SDK declares `file` as a string and sends it as a form field.
    await call(
        "uploadFile",
        () => client.uploadFile({ file: "invoice.pdf" }),
        422,
        "routes/agent_protocol.py upload_file takes an UploadFile: a plain string field is a 422 there too",
    );

    // Custom LLMs.
    const llm = await call("createCustomLlm", () =>
        client.createCustomLlm({
            config: { display_name: "hosted", provider: "openai_compatible", model_name: "gpt-x", api_base: "https://llm.example.com/v1", api_key: "sk-test" },
        }),
    );
    const llmId = llm?.custom_llm.id ?? "llm_missing";
    await call("listCustomLlms", () => client.listCustomLlms());
    await call("updateCustomLlm", () =>
        client.updateCustomLlm(llmId, {
            config: { display_name: "hosted 2", provider: "openai_compatible", model_name: "gpt-y", api_base: "https://llm.example.com/v1", api_key: "sk-test-2" },
        }),
    );
    await call("deleteCustomLlm", () => client.deleteCustomLlm(llmId));

    // Scripts.
    const sc = await call("createScript", () =>
        client.createScript({
            workflow_id: wpid,
            files: [{ path: "main.py", content: "cHJpbnQoJ2hpJyk=", encoding: "base64", mime_type: "text/x-python" }],
        }),
    );
    const scId = sc?.script_id ?? "s_missing";
    await call("getScripts", () => client.getScripts({ page: 1, page_size: 10 }));
    await call("getScript", () => client.getScript(scId));
    await call("deployScript", () => client.deployScript(scId, { files: [{ path: "main.py", content: "print('v2')", encoding: "utf-8" }] }));
    await call(
        "scripts.runScript",
        () => client.scripts.runScript(scId),
        400,
        "routes/scripts.py run_script raises 400 'Not implemented' before it reads anything",
    );

    // Schedules.
    const s = await call("schedules.create", () =>
        client.schedules.create(wpid, { cron_expression: "0 9 * * 1", timezone: "Europe/Paris", name: "weekly", parameters: { month: "July" } }),
    );
    const sId = s?.schedule?.workflow_schedule_id ?? "ws_missing";
    await call("schedules.list", () => client.schedules.list(wpid));
    await call("schedules.listAll", () => client.schedules.listAll({ page: 1, page_size: 10 }));
    await call("schedules.get", () => client.schedules.get(wpid, sId));
    await call("schedules.update", () => client.schedules.update(wpid, sId, { cron_expression: "0 10 * * 1", timezone: "UTC" }));
    await call("schedules.disable", () => client.schedules.disable(wpid, sId));
    await call("schedules.enable", () => client.schedules.enable(wpid, sId));
    await call("schedules.delete", () => client.schedules.delete(wpid, sId));

    // Clean-up calls last.
    await call("deleteWorkflow", () => client.deleteWorkflow(wpid));
    await call("deleteFolder", () => client.deleteFolder(folderId, { delete_workflows: true }));

    // Every public method of the client and its sub-clients must have been driven.
    const driven = new Set(results.map((r) => r.method));
    const subs: [object, string][] = [
        [client, ""],
        [client.schedules, "schedules."],
        [client.scripts, "scripts."],
        [client.agents, "agents."],
        [client.artifacts, "artifacts."],
    ];
    for (const [obj, prefix] of subs) {
        const proto = Object.getPrototypeOf(obj);
        for (const name of Object.getOwnPropertyNames(proto)) {
            const d = Object.getOwnPropertyDescriptor(proto, name);
            if (name === "constructor" || name.startsWith("_") || !d || typeof d.value !== "function") continue;
            if (!driven.has(prefix + name)) {
                results.push({ sdk: "typescript", method: prefix + name, outcome: "n/a", why: "not driven by ts_driver.ts" });
            }
        }
    }
    // Methods the checkout's Client.ts names but whose source it lacks.
    for (const m of missingMethods) {
        results.push({ sdk: "typescript", method: m, outcome: "n/a", why: "not in the checkout (see run.sh: stubbed resource)" });
    }

    fs.writeFileSync(process.env.RESULTS_JSON ?? "/dev/stdout", JSON.stringify(results, null, 1));
    hookServer.close();
}

// Filled by run.sh when it had to stub a resource missing from the checkout.
const missingMethods: string[] = (process.env.TS_MISSING_METHODS ?? "").split(",").filter((m) => m !== "");

main().catch((e) => {
    console.error(e);
    process.exit(1);
});
