// extract.mjs prints, as one JSON array, every mocked answer with a 2xx
// status in the official TypeScript SDK's wire tests: one object per test,
// {file, test, method, path, status, body} (body absent when the mock
// answers without one). The tests declare a body as a JavaScript object
// literal, `const rawResponseBody = {...};`, which is evaluated here in an
// empty context.
//
// Usage: node extract.mjs <skyvern-ts/client/tests/wire directory>
import fs from "node:fs";
import path from "node:path";
import vm from "node:vm";

const dir = process.argv[2];
if (!dir) {
    console.error("usage: node extract.mjs <tests/wire directory>");
    process.exit(2);
}

// literalEnd returns the index just past the object or array literal that
// starts at src[i], skipping over strings and template literals.
function literalEnd(src, i) {
    let depth = 0;
    for (; i < src.length; i++) {
        const c = src[i];
        if (c === '"' || c === "'" || c === "`") {
            for (i++; i < src.length && src[i] !== c; i++) {
                if (src[i] === "\\") i++;
            }
        } else if (c === "{" || c === "[") {
            depth++;
        } else if (c === "}" || c === "]") {
            if (--depth === 0) return i + 1;
        }
    }
    throw new Error("unterminated literal");
}

const out = [];
for (const name of fs.readdirSync(dir).filter((n) => n.endsWith(".test.ts")).sort()) {
    const src = fs.readFileSync(path.join(dir, name), "utf8");
    const starts = [...src.matchAll(/\btest\("([^"]*)",/g)];
    starts.forEach((m, k) => {
        const block = src.slice(m.index, k + 1 < starts.length ? starts[k + 1].index : src.length);
        const status = block.match(/\.statusCode\((\d+)\)/);
        if (!status || status[1][0] !== "2") return;
        const route = block.match(/\.mockEndpoint\(\)\s*\.(get|post|put|patch|delete)\("([^"]*)"\)/);
        if (!route) throw new Error(`${name}: ${m[1]}: no mocked route`);
        const entry = { file: name, test: m[1], method: route[1].toUpperCase(), path: route[2], status: Number(status[1]) };
        const decl = block.match(/const rawResponseBody = /);
        if (decl && /\.respondWith\(\)[\s\S]*\.jsonBody\(rawResponseBody\)/.test(block)) {
            const from = decl.index + decl[0].length;
            const literal = block.slice(from, literalEnd(block, from));
            entry.body = vm.runInNewContext("(" + literal + ")", {}, { timeout: 1000 });
        }
        out.push(entry);
    });
}
process.stdout.write(JSON.stringify(out));
