//! `arazzo lsp` driven as a process over stdio JSON-RPC, one test per capability, on the
//! seed and on a document with an OpenAPI 3.1 and an AsyncAPI source; and Neovim
//! (headless) as a real client.

use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .canonicalize()
        .expect("the repository")
}

fn seed() -> PathBuf {
    repo().join("specs/arazzo/amberflo-create-meter-and-ingest-event-workflow.yml")
}

fn box_office() -> PathBuf {
    repo().join("tests/specs/arazzo/box-office.arazzo.yaml")
}

fn uri(p: &Path) -> String {
    format!("file://{}", p.display())
}

/// Longest wait for one message: a bound against hangs, not a timing assertion.
const PATIENCE: Duration = Duration::from_secs(60);

/// A language server process and its messages.
struct Server {
    child: Child,
    stdin: ChildStdin,
    messages: Receiver<Value>,
    /// Notifications received while waiting for responses.
    notifications: Vec<Value>,
    next: i64,
}

impl Server {
    fn start(root: &Path) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_arazzo"))
            .arg("lsp")
            .current_dir(root)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start arazzo lsp");
        let stdin = child.stdin.take().expect("stdin");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            loop {
                let mut len = None;
                loop {
                    let mut line = String::new();
                    if r.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(v) = line.strip_prefix("Content-Length: ") {
                        len = v.parse::<usize>().ok();
                    }
                }
                let mut body = vec![0; len.expect("a Content-Length header")];
                if r.read_exact(&mut body).is_err() {
                    return;
                }
                let v: Value = serde_json::from_slice(&body).expect("JSON-RPC message");
                if tx.send(v).is_err() {
                    return;
                }
            }
        });
        let mut s = Server {
            child,
            stdin,
            messages: rx,
            notifications: Vec::new(),
            next: 0,
        };
        let caps = json!({"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": false}}});
        let init = s.request(
            "initialize",
            json!({"processId": null, "rootUri": uri(root), "capabilities": caps}),
        );
        assert_eq!(init["serverInfo"]["name"], "arazzo");
        assert!(init["capabilities"]["completionProvider"].is_object());
        s.notify("initialized", json!({}));
        s
    }

    fn send(&mut self, v: Value) {
        let body = v.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).expect("write");
        self.stdin.flush().expect("flush");
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    fn next_message(&mut self) -> Value {
        match self.messages.recv_timeout(PATIENCE) {
            Ok(v) => v,
            Err(RecvTimeoutError::Timeout) => panic!("no message from the server"),
            Err(RecvTimeoutError::Disconnected) => panic!("the server exited"),
        }
    }

    /// The full response (result or error) to a request.
    fn call(&mut self, method: &str, params: Value) -> Value {
        self.next += 1;
        let id = self.next;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        loop {
            let m = self.next_message();
            if m.get("id") == Some(&json!(id)) && m.get("method").is_none() {
                return m;
            }
            if m.get("method").is_some() && m.get("id").is_none() {
                self.notifications.push(m);
            }
        }
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        let r = self.call(method, params);
        assert!(r.get("error").is_none(), "{method}: {r}");
        r["result"].clone()
    }

    /// The next `publishDiagnostics` for `uri` (already received, or coming).
    fn diagnostics(&mut self, uri: &str) -> Vec<Value> {
        let deadline = Instant::now() + PATIENCE;
        loop {
            if let Some(i) = self.notifications.iter().position(|n| {
                n["method"] == "textDocument/publishDiagnostics" && n["params"]["uri"] == uri
            }) {
                let n = self.notifications.remove(i);
                return n["params"]["diagnostics"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default();
            }
            assert!(Instant::now() < deadline, "no diagnostics for {uri}");
            let m = self.next_message();
            if m.get("method").is_some() && m.get("id").is_none() {
                self.notifications.push(m);
            }
        }
    }

    fn open(&mut self, path: &Path, text: &str) -> String {
        let u = uri(path);
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": u, "languageId": "yaml", "version": 1, "text": text}}),
        );
        u
    }

    fn change(&mut self, u: &str, version: i64, text: &str) {
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": u, "version": version}, "contentChanges": [{"text": text}]}),
        );
    }

    fn stop(mut self) {
        let r = self.call("shutdown", Value::Null);
        assert!(r.get("error").is_none(), "{r}");
        self.notify("exit", Value::Null);
        let status = self.child.wait().expect("the server exits");
        assert!(status.success(), "{status}");
    }
}

/// The LSP position (line, UTF-16 column) of the `nth` occurrence of `needle`, plus `shift` bytes.
fn pos(text: &str, needle: &str, nth: usize, shift: usize) -> Value {
    let at = text
        .match_indices(needle)
        .nth(nth)
        .unwrap_or_else(|| panic!("`{needle}` #{nth} in the text"))
        .0
        + shift;
    let line = text[..at].matches('\n').count();
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    json!({"line": line, "character": text[start..at].encode_utf16().count()})
}

fn at(u: &str, p: Value) -> Value {
    json!({"textDocument": {"uri": u}, "position": p})
}

fn labels(items: &Value) -> Vec<String> {
    let list = items.get("items").unwrap_or(items);
    list.as_array()
        .map(|a| {
            a.iter()
                .map(|i| i["label"].as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

fn item<'v>(items: &'v Value, label: &str) -> &'v Value {
    let list = items.get("items").unwrap_or(items);
    list.as_array()
        .and_then(|a| a.iter().find(|i| i["label"] == label))
        .unwrap_or_else(|| panic!("no item `{label}` in {}", labels(items).join(", ")))
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).expect("read")
}

#[test]
fn diagnostics_on_open_and_change_with_position_code_and_labels() {
    let mut s = Server::start(&repo());
    let text = read(&seed());
    let u = s.open(&seed(), &text);
    assert_eq!(
        s.diagnostics(&u),
        Vec::<Value>::new(),
        "the seed checks cleanly"
    );
    let typo = text.replacen("value: $inputs.apiKey", "value: $inputs.apiKy", 1);
    s.change(&u, 2, &typo);
    let d = s.diagnostics(&u);
    assert_eq!(d.len(), 1, "{d:?}");
    let d = &d[0];
    assert_eq!(d["severity"], 1);
    assert_eq!(d["code"], "unknown_input");
    assert_eq!(d["source"], "arazzo");
    assert!(
        d["message"]
            .as_str()
            .unwrap()
            .contains("unknown input `apiKy`"),
        "{d}"
    );
    let start = pos(&typo, "apiKy", 0, 0);
    assert_eq!(d["range"]["start"], start);
    assert_eq!(
        d["range"]["end"]["character"],
        start["character"].as_u64().unwrap() + 5
    );
    let related = &d["relatedInformation"][0];
    assert!(
        related["message"]
            .as_str()
            .unwrap()
            .contains("`apiKey` is declared here"),
        "{d}"
    );
    assert_eq!(related["location"]["uri"], u);
    // A lint has its name as code: a dialect of the 1.1 specification's examples.
    let bo = read(&box_office());
    let bu = s.open(&box_office(), &bo);
    let d = s.diagnostics(&bu);
    assert!(!d.is_empty());
    assert!(
        d.iter()
            .all(|d| d["code"] == "dialect" && d["severity"] == 2),
        "{d:?}"
    );
    s.stop();
}

/// Editors send only what changed: the server applies ranges in UTF-16 columns, in order.
#[test]
fn incremental_changes_are_applied_in_utf16_columns() {
    let mut s = Server::start(&repo());
    let text = read(&seed());
    // A value with a character outside the BMP (two UTF-16 units) before the expression.
    let clef = text.replacen(
        "value: $inputs.apiKey",
        "value: '\u{1D11E} {$inputs.apiKey}'",
        1,
    );
    let u = s.open(&seed(), &clef);
    assert_eq!(s.diagnostics(&u), Vec::<Value>::new());
    // `apiKey` -> `apiKy`: the range counts the clef as two units.
    let start = pos(&clef, "{$inputs.apiKey}", 0, 9);
    let end = pos(&clef, "{$inputs.apiKey}", 0, 15);
    assert_eq!(
        start["character"], 26,
        "after `value: '`, the clef (two units) and ` {{$inputs.`"
    );
    s.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": u, "version": 2},
               "contentChanges": [{"range": {"start": start, "end": end}, "text": "apiKy"}]}),
    );
    let d = s.diagnostics(&u);
    assert_eq!(d.len(), 1, "{d:?}");
    assert!(
        d[0]["message"]
            .as_str()
            .unwrap()
            .contains("unknown input `apiKy`"),
        "{d:?}"
    );
    assert_eq!(d[0]["range"]["start"], start);
    // Two changes in one notification: a line inserted above, then the fix on the
    // text the first left (one line lower).
    let fixed_start =
        json!({"line": start["line"].as_u64().unwrap() + 1, "character": start["character"]});
    let mut fixed_end = fixed_start.clone();
    fixed_end["character"] = json!(start["character"].as_u64().unwrap() + 5);
    s.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": u, "version": 3},
               "contentChanges": [
                   {"range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}, "text": "# edited\n"},
                   {"range": {"start": fixed_start, "end": fixed_end}, "text": "apiKey"}]}),
    );
    assert_eq!(s.diagnostics(&u), Vec::<Value>::new());
    s.stop();
}

#[test]
fn diagnostics_follow_an_openapi_file_open_in_the_editor() {
    let mut s = Server::start(&repo());
    let u = s.open(&seed(), &read(&seed()));
    assert!(s.diagnostics(&u).is_empty());
    let api = repo().join("specs/openapi/amberflo-metering-openapi.yaml");
    let renamed = read(&api).replace(
        "operationId: createMeterDefinition",
        "operationId: defineMeter",
    );
    let au = s.open(&api, &renamed);
    let d = s.diagnostics(&u);
    assert!(
        d.iter().any(|d| d["message"]
            .as_str()
            .unwrap()
            .contains("createMeterDefinition")),
        "{d:?}"
    );
    // Closed: the file on disk again.
    s.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": au}}),
    );
    assert!(s.diagnostics(&u).is_empty());
    s.stop();
}

/// A copy of the seed and its OpenAPI description in a directory of their own.
fn seed_copy() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().expect("temporary directory");
    let root = dir.path().canonicalize().expect("canonical");
    std::fs::create_dir(root.join(".git")).expect(".git");
    std::fs::create_dir_all(root.join("specs/arazzo")).expect("mkdir");
    std::fs::create_dir_all(root.join("specs/openapi")).expect("mkdir");
    let api = root.join("specs/openapi/amberflo-metering-openapi.yaml");
    std::fs::copy(
        repo().join("specs/openapi/amberflo-metering-openapi.yaml"),
        &api,
    )
    .expect("copy the OpenAPI description");
    let doc = root.join("specs/arazzo/seed.arazzo.yaml");
    std::fs::copy(seed(), &doc).expect("copy the seed");
    // The repository's settings: the seed sets `X-API-KEY` itself (`manual_credential`).
    std::fs::copy(repo().join("arazzo.toml"), root.join("arazzo.toml")).expect("copy arazzo.toml");
    (dir, doc, api)
}

#[test]
fn diagnostics_follow_an_openapi_file_changed_on_disk() {
    let (dir, doc, api) = seed_copy();
    let mut s = Server::start(dir.path());
    let u = s.open(&doc, &read(&doc));
    assert!(s.diagnostics(&u).is_empty());
    let renamed = read(&api).replace("operationId: ingestMeterEvents", "operationId: ingest");
    std::fs::write(&api, renamed).expect("write");
    s.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri(&api), "type": 2}]}),
    );
    let d = s.diagnostics(&u);
    assert!(
        d.iter()
            .any(|d| d["message"].as_str().unwrap().contains("ingestMeterEvents")),
        "{d:?}"
    );
    s.stop();
}

#[test]
fn quick_fixes_and_fix_all() {
    let mut s = Server::start(&repo());
    let text = read(&seed())
        .replacen("value: $inputs.apiKey", "value: $inputs.apiKy", 1)
        .replacen("$inputs.customerId", "$inputs.customerID", 1);
    let u = s.open(&seed(), &text);
    assert_eq!(s.diagnostics(&u).len(), 2);
    let p = pos(&text, "apiKy", 0, 2);
    let actions = s.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": u}, "range": {"start": p, "end": p}, "context": {"diagnostics": []}}),
    );
    let fix = actions
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["kind"] == "quickfix")
        .expect("a quick fix");
    assert_eq!(fix["isPreferred"], true);
    let edit = &fix["edit"]["changes"][&u][0];
    assert_eq!(edit["newText"], "apiKey");
    assert_eq!(edit["range"]["start"], pos(&text, "apiKy", 0, 0));
    let all = actions
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["kind"] == "source.fixAll")
        .expect("fix all");
    let edits = all["edit"]["changes"][&u].as_array().unwrap();
    let new: Vec<&str> = edits
        .iter()
        .map(|e| e["newText"].as_str().unwrap())
        .collect();
    assert_eq!(new, ["apiKey", "customerId"]);
    // Only the source action when asked for it.
    let only = s.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": u}, "range": {"start": p, "end": p},
               "context": {"diagnostics": [], "only": ["source.fixAll"]}}),
    );
    assert_eq!(only.as_array().unwrap().len(), 1);
    s.stop();
}

#[test]
fn completion_of_expressions_operations_parameters_and_status_codes() {
    let mut s = Server::start(&repo());
    let text = read(&seed());
    let u = s.open(&seed(), &text);
    s.diagnostics(&u);
    let complete = |s: &mut Server, text: &str, needle: &str, shift: usize| {
        s.change(&u, 9, text);
        s.request(
            "textDocument/completion",
            at(&u, pos(text, needle, 0, shift)),
        )
    };
    // `$inputs.`: the inputs, typed and described.
    let t = text.replacen("value: $inputs.apiKey", "value: $inputs.", 1);
    let items = complete(&mut s, &t, "value: $inputs.", 15);
    let api_key = item(&items, "apiKey");
    assert_eq!(api_key["detail"], "String");
    assert!(api_key["documentation"]["value"]
        .as_str()
        .unwrap()
        .contains("X-API-KEY"));
    assert!(labels(&items).contains(&"uniqueId".to_owned()));
    // `$steps.` and `$steps.<id>.outputs.` in the second step.
    let t = text.replacen(
        "meterApiName: $steps.createMeter.outputs.meterApiName",
        "meterApiName: $steps.",
        1,
    );
    assert_eq!(
        labels(&complete(&mut s, &t, "meterApiName: $steps.", 21)),
        ["createMeter"]
    );
    let t = text.replacen(
        "meterApiName: $steps.createMeter.outputs.meterApiName",
        "meterApiName: $steps.createMeter.outputs.",
        1,
    );
    let items = complete(&mut s, &t, "$steps.createMeter.outputs.", 27);
    assert_eq!(item(&items, "meterApiName")["detail"], "String");
    // `$response.body#/` and a deeper segment: the schema of the 200 response.
    let t = text.replacen(
        "meterApiName: $response.body#/meterApiName",
        "meterApiName: $response.body#/",
        1,
    );
    let items = complete(&mut s, &t, "$response.body#/", 16);
    assert!(
        labels(&items).contains(&"meterApiName".to_owned()),
        "{:?}",
        labels(&items)
    );
    assert!(item(&items, "meterApiName")["detail"]
        .as_str()
        .unwrap()
        .starts_with("string"));
    // `operationId:` values.
    let t = text.replacen(
        "operationId: createMeterDefinition",
        "operationId: createMe",
        1,
    );
    let items = complete(&mut s, &t, "operationId: createMe", 21);
    let op = item(&items, "createMeterDefinition");
    assert!(op["detail"].as_str().unwrap().starts_with("POST /"), "{op}");
    assert_eq!(op["documentation"]["value"], "Create a meter");
    // Status codes in criteria.
    let t = text.replacen(
        "condition: $statusCode == 200",
        "condition: $statusCode == ",
        1,
    );
    let items = complete(&mut s, &t, "$statusCode == ", 15);
    assert!(
        labels(&items).contains(&"200".to_owned()),
        "{:?}",
        labels(&items)
    );
    // `$sourceDescriptions.`, `$workflows.`, `$components.`, and the roots after `$`.
    let t = text.replacen("value: $inputs.apiKey", "value: $sourceDescriptions.", 1);
    assert_eq!(
        labels(&complete(&mut s, &t, "$sourceDescriptions.", 20)),
        ["meteringApi"]
    );
    let t = text.replacen("value: $inputs.apiKey", "value: $workflows.", 1);
    assert_eq!(
        labels(&complete(&mut s, &t, "$workflows.", 11)),
        ["create-meter-and-ingest-event"]
    );
    let t = text.replacen("value: $inputs.apiKey", "value: $components.", 1);
    assert!(labels(&complete(&mut s, &t, "$components.", 12)).contains(&"parameters".to_owned()));
    let t = text.replacen("value: $inputs.apiKey", "value: $", 1);
    assert!(labels(&complete(&mut s, &t, "value: $", 8)).contains(&"$inputs.".to_owned()));
    s.stop();
}

#[test]
fn completion_of_message_payloads_with_asyncapi_and_openapi_3_1() {
    let mut s = Server::start(&repo());
    let text = read(&box_office());
    let u = s.open(&box_office(), &text);
    s.diagnostics(&u);
    let t = text.replacen(
        "seatId: $message.payload#/seatId",
        "seatId: $message.payload#/",
        1,
    );
    s.change(&u, 2, &t);
    let items = s.request(
        "textDocument/completion",
        at(&u, pos(&t, "$message.payload#/", 0, 18)),
    );
    assert!(
        labels(&items).contains(&"reservationId".to_owned()),
        "{:?}",
        labels(&items)
    );
    // `$response.body#/0/` walks into the items of the 3.1 array response.
    let t = text.replacen(
        "seatId: $response.body#/0/id",
        "seatId: $response.body#/0/",
        1,
    );
    s.change(&u, 3, &t);
    let items = s.request(
        "textDocument/completion",
        at(&u, pos(&t, "$response.body#/0/", 0, 18)),
    );
    assert!(
        labels(&items).contains(&"id".to_owned()),
        "{:?}",
        labels(&items)
    );
    // Parameter names of the operation, with their `in`.
    let t = text.replacen("- name: section", "- name: ", 1);
    s.change(&u, 4, &t);
    let items = s.request(
        "textDocument/completion",
        at(&u, pos(&t, "- name: \n", 0, 8)),
    );
    assert_eq!(item(&items, "section")["detail"], "in: query, required");
    // (OpenAPI ignores header parameters named `Authorization`.)
    assert_eq!(labels(&items), ["section"]);
    s.stop();
}

#[test]
fn hover_shows_types_schemas_and_operations() {
    let mut s = Server::start(&repo());
    let text = read(&seed());
    let u = s.open(&seed(), &text);
    s.diagnostics(&u);
    let h = s.request(
        "textDocument/hover",
        at(&u, pos(&text, "$inputs.meterValue", 0, 3)),
    );
    let v = h["contents"]["value"].as_str().unwrap();
    assert!(v.contains("`$inputs.meterValue`: `f64`"), "{v}");
    assert!(v.contains("The usage amount"), "{v}");
    assert!(v.contains("schema: `number`"), "{v}");
    let h = s.request(
        "textDocument/hover",
        at(&u, pos(&text, "createMeterDefinition", 0, 2)),
    );
    let v = h["contents"]["value"].as_str().unwrap();
    assert!(v.contains("**POST**"), "{v}");
    assert!(v.contains("Create a meter"), "{v}");
    // On the AsyncAPI document: a message payload's type.
    let bo = read(&box_office());
    let bu = s.open(&box_office(), &bo);
    s.diagnostics(&bu);
    let h = s.request(
        "textDocument/hover",
        at(&bu, pos(&bo, "$message.payload#/seatId", 0, 3)),
    );
    assert!(
        h["contents"]["value"]
            .as_str()
            .unwrap()
            .contains("`$message.payload#/seatId`: `"),
        "{h}"
    );
    // Nothing there: null, not an error.
    assert_eq!(
        s.request(
            "textDocument/hover",
            at(&u, json!({"line": 0, "character": 0}))
        ),
        Value::Null
    );
    s.stop();
}

#[test]
fn definition_and_references() {
    let mut s = Server::start(&repo());
    let text = read(&seed());
    let u = s.open(&seed(), &text);
    s.diagnostics(&u);
    // `$steps.createMeter.outputs.meterApiName` → the output's declaration.
    let d = s.request(
        "textDocument/definition",
        at(&u, pos(&text, "$steps.createMeter", 0, 2)),
    );
    assert_eq!(d["uri"], u);
    assert_eq!(
        d["range"]["start"],
        pos(&text, "meterApiName: $response", 0, 0)
    );
    // `operationId` → the operation in the OpenAPI file.
    let d = s.request(
        "textDocument/definition",
        at(&u, pos(&text, "createMeterDefinition", 0, 1)),
    );
    let api = repo().join("specs/openapi/amberflo-metering-openapi.yaml");
    assert_eq!(d["uri"], uri(&api));
    let api_text = read(&api);
    assert_eq!(
        d["range"]["start"],
        pos(&api_text, "createMeterDefinition", 0, 0)
    );
    // `$inputs.apiKey` → its schema; its references: both steps' uses.
    let d = s.request(
        "textDocument/definition",
        at(&u, pos(&text, "$inputs.apiKey", 0, 9)),
    );
    assert_eq!(d["range"]["start"], pos(&text, "apiKey:\n", 0, 0));
    let refs = s.request(
        "textDocument/references",
        json!({"textDocument": {"uri": u}, "position": pos(&text, "$inputs.apiKey", 1, 9), "context": {"includeDeclaration": false}}),
    );
    let starts: Vec<&Value> = refs
        .as_array()
        .unwrap()
        .iter()
        .map(|r| &r["range"]["start"])
        .collect();
    assert_eq!(
        starts,
        [
            &pos(&text, "$inputs.apiKey", 0, 0),
            &pos(&text, "$inputs.apiKey", 1, 0)
        ]
    );
    s.stop();
}

#[test]
fn symbols_semantic_tokens_and_graph_lens() {
    let mut s = Server::start(&repo());
    let text = read(&seed());
    let u = s.open(&seed(), &text);
    s.diagnostics(&u);
    let syms = s.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": u}}),
    );
    assert_eq!(syms[0]["name"], "create-meter-and-ingest-event");
    let steps: Vec<&Value> = syms[0]["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| &c["name"])
        .collect();
    assert_eq!(steps, ["createMeter", "ingestEvent"]);
    assert!(syms[0]["children"][0]["detail"]
        .as_str()
        .unwrap()
        .starts_with("POST "));
    let tokens = s.request(
        "textDocument/semanticTokens/full",
        json!({"textDocument": {"uri": u}}),
    );
    let data: Vec<u64> = tokens["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap())
        .collect();
    // Decode: every expression token covers a `$...` of the text.
    let lines: Vec<&str> = text.lines().collect();
    let (mut line, mut col, mut exprs) = (0usize, 0usize, 0);
    for t in data.chunks(5) {
        line += t[0] as usize;
        col = if t[0] == 0 {
            col + t[1] as usize
        } else {
            t[1] as usize
        };
        let word = &lines[line][col..col + t[2] as usize];
        if t[3] == 0 {
            assert!(word.starts_with('$'), "{word}");
            exprs += 1;
        }
    }
    assert_eq!(
        exprs,
        text.matches("$inputs.").count()
            + text.matches("$steps.").count()
            + text.matches("$response.").count()
            + text.matches("$statusCode").count()
    );
    let lenses = s.request("textDocument/codeLens", json!({"textDocument": {"uri": u}}));
    let lens = &lenses[0];
    assert_eq!(lens["command"]["title"], "Show graph");
    assert_eq!(
        lens["range"]["start"],
        pos(&text, "create-meter-and-ingest-event", 0, 0)
    );
    let graph = s.request(
        "workspace/executeCommand",
        json!({"command": lens["command"]["command"], "arguments": lens["command"]["arguments"]}),
    );
    let graph = graph.as_str().unwrap();
    assert!(graph.starts_with("flowchart"), "{graph}");
    assert!(graph.contains("createMeter"), "{graph}");
    s.stop();
}

#[test]
fn half_typed_documents_get_answers_and_the_server_stays_up() {
    let mut s = Server::start(&repo());
    let text = read(&seed());
    let u = s.open(&seed(), &text);
    s.diagnostics(&u);
    let cut = &text[..text.find("    operationId: ingestMeterEvents").unwrap()];
    for (v, broken) in [
        format!("{cut}    operationId: ["),
        format!("{cut}    parameters:\n    - name: X-API-KEY\n      value: $inputs."),
        "arazzo: 1.0.1\nworkflows: {".to_owned(),
        String::new(),
    ]
    .iter()
    .enumerate()
    {
        s.change(&u, 10 + v as i64, broken);
        let end = pos(broken, "", 0, broken.len());
        let p = at(&u, end.clone());
        for method in [
            "textDocument/completion",
            "textDocument/hover",
            "textDocument/definition",
        ] {
            let r = s.call(method, p.clone());
            assert!(r.get("error").is_none(), "{method} on {broken:?}: {r}");
        }
        let doc = json!({"textDocument": {"uri": u}});
        for method in [
            "textDocument/documentSymbol",
            "textDocument/semanticTokens/full",
            "textDocument/codeLens",
        ] {
            let r = s.call(method, doc.clone());
            assert!(r.get("error").is_none(), "{method} on {broken:?}: {r}");
        }
        let r = s.call(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": u}, "range": {"start": end, "end": end}, "context": {"diagnostics": []}}),
        );
        assert!(r.get("error").is_none(), "{r}");
    }
    // While the document does not parse, completion uses the last analysis that read it.
    let broken = format!("{cut}    operationId: ingestMeterEvents\n    parameters:\n    - name: X\n      value: $inputs.\n  - {{");
    s.change(&u, 20, &broken);
    let items = s.request(
        "textDocument/completion",
        at(&u, pos(&broken, "$inputs.", 0, 8)),
    );
    assert!(labels(&items).contains(&"apiKey".to_owned()), "{items}");
    // A panic in a handler is answered with an error, and the server keeps serving
    // (`arazzo/debugPanic` exists in debug builds only, as the tests run).
    let r = s.call("arazzo/debugPanic", json!({}));
    assert_eq!(r["error"]["code"], -32603, "{r}");
    assert!(
        r["error"]["message"]
            .as_str()
            .unwrap()
            .contains("a panic requested"),
        "{r}"
    );
    s.change(&u, 21, &text);
    let h = s.request(
        "textDocument/hover",
        at(&u, pos(&text, "$inputs.meterValue", 0, 3)),
    );
    assert!(
        h["contents"]["value"].as_str().unwrap().contains("f64"),
        "{h}"
    );
    // An unknown request is an error answer, not a crash.
    let r = s.call("textDocument/unknownThing", json!({}));
    assert!(r.get("error").is_some());
    let r = s.call("textDocument/hover", json!({"bad": true}));
    assert!(r.get("error").is_some());
    s.stop();
}

/// Neovim, or `None` outside CI when it is not installed (CI installs it, and there its
/// absence fails the test).
fn nvim() -> Option<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|p| p.join("nvim"))
            .find(|p| p.is_file())
    });
    if found.is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "Neovim is not installed (.ci/run installs the neovim package)"
        );
        eprintln!("skipped: Neovim is not installed");
    }
    found
}

/// The client: opens the document, attaches `arazzo lsp` (the API of Neovim 0.7 and
/// later), waits for its diagnostics, writes the first one, applies the preferred quick
/// fix at its position and saves.
const NVIM_SCRIPT: &str = r#"
local out = assert(io.open(os.getenv("ARAZZO_OUT"), "w"))
local function finish(line)
  if line then out:write(line .. "\n") end
  out:close()
  vim.cmd("qa!")
end
vim.cmd("edit " .. vim.fn.fnameescape(os.getenv("ARAZZO_DOC")))
local buf = vim.api.nvim_get_current_buf()
local client = vim.lsp.start_client({
  name = "arazzo",
  cmd = { os.getenv("ARAZZO_BIN"), "lsp" },
  root_dir = os.getenv("ARAZZO_ROOT"),
})
if not client then return finish("the client did not start") end
vim.lsp.buf_attach_client(buf, client)
if not vim.wait(60000, function() return #vim.diagnostic.get(buf) > 0 end, 20) then
  return finish("no diagnostics")
end
local d = vim.diagnostic.get(buf)[1]
out:write(string.format("diagnostic %d:%d-%d:%d %s\n", d.lnum, d.col, d.end_lnum, d.end_col,
  (d.message:gsub("\n.*", ""))))
local params = {
  textDocument = { uri = vim.uri_from_bufnr(buf) },
  range = { start = { line = d.lnum, character = d.col }, ["end"] = { line = d.end_lnum, character = d.end_col } },
  context = { diagnostics = {} },
}
local responses = vim.lsp.buf_request_sync(buf, "textDocument/codeAction", params, 60000) or {}
for _, r in pairs(responses) do
  for _, action in ipairs(r.result or {}) do
    if action.isPreferred and action.edit then
      vim.lsp.util.apply_workspace_edit(action.edit, "utf-16")
      out:write("applied " .. action.title .. "\n")
      vim.cmd("write")
      return finish("saved")
    end
  end
end
finish("no preferred quick fix")
"#;

#[test]
fn neovim_reads_the_diagnostic_and_applies_the_quick_fix() {
    let Some(nvim) = nvim() else { return };
    let (dir, doc, _) = seed_copy();
    let root = dir.path().canonicalize().expect("canonical");
    let original = read(&seed());
    let typo = original.replacen("value: $inputs.apiKey", "value: $inputs.apiKy", 1);
    std::fs::write(&doc, &typo).expect("write the document");
    let script = root.join("client.lua");
    std::fs::write(&script, NVIM_SCRIPT).expect("write the script");
    let out = root.join("out.txt");
    let run = Command::new(nvim)
        .args(["--headless", "--clean", "-n", "-i", "NONE", "-c"])
        .arg(format!("luafile {}", script.display()))
        .env("ARAZZO_OUT", &out)
        .env("ARAZZO_DOC", &doc)
        .env("ARAZZO_ROOT", &root)
        .env("ARAZZO_BIN", env!("CARGO_BIN_EXE_arazzo"))
        .current_dir(&root)
        .stdin(Stdio::null())
        .output()
        .expect("run nvim");
    let said = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{}: {said}", run.status);
    let report = std::fs::read_to_string(&out).unwrap_or_else(|e| panic!("{e}: {said}"));
    let p = pos(&typo, "apiKy", 0, 0);
    let (line, col) = (
        p["line"].as_u64().unwrap(),
        p["character"].as_u64().unwrap(),
    );
    let lines: Vec<&str> = report.lines().collect();
    assert_eq!(
        lines,
        [
            format!(
                "diagnostic {line}:{col}-{line}:{} unknown input `apiKy` in `$inputs.apiKy`",
                col + 5
            )
            .as_str(),
            "applied Replace `apiKy` with `apiKey`",
            "saved"
        ],
        "{report}"
    );
    assert_eq!(read(&doc), original, "the saved file is the corrected seed");
}

#[test]
fn definitions_of_workflows_depends_on_and_components() {
    let mut s = Server::start(&repo());
    let path = repo().join("tests/specs/arazzo/composition.arazzo.yaml");
    let text = read(&path);
    let u = s.open(&path, &text);
    assert!(s.diagnostics(&u).is_empty());
    let declared = pos(
        &text,
        "workflowId: register-customer",
        0,
        "workflowId: ".len(),
    );
    // A step's `workflowId` and a workflow's `dependsOn` → the workflow.
    for (needle, nth) in [
        ("workflowId: register-customer", 1),
        ("- register-customer", 0),
    ] {
        let shift = needle.find("register").unwrap() + 2;
        let d = s.request(
            "textDocument/definition",
            at(&u, pos(&text, needle, nth, shift)),
        );
        assert_eq!(d["range"]["start"], declared, "{needle}");
    }
    // `reference: $components.parameters.tenant` → the component.
    let d = s.request(
        "textDocument/definition",
        at(&u, pos(&text, "$components.parameters.tenant", 0, 5)),
    );
    let components = text.find("\ncomponents:").unwrap();
    let tenant = components + text[components..].find("tenant:").unwrap();
    assert_eq!(d["range"]["start"], pos(&text, "", 0, tenant));
    // The references of the workflow: its declaration, the step and `dependsOn`.
    let refs = s.request(
        "textDocument/references",
        json!({"textDocument": {"uri": u}, "position": declared, "context": {"includeDeclaration": true}}),
    );
    assert!(refs.as_array().unwrap().len() >= 3, "{refs}");
    s.stop();
}
