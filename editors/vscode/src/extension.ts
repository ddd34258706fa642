// A thin client of `arazzo lsp`: it starts the server for YAML and JSON files (the server
// analyses the Arazzo documents among them: `*.arazzo.yaml`/`.yml`/`.json` and files with a
// top-level `arazzo:` key; the other files, OpenAPI and AsyncAPI descriptions, are read as the
// editor holds them), and shows the graph the "Show graph" code lens returns.

import * as vscode from "vscode";
import {
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
} from "vscode-languageclient/node";

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const command = vscode.workspace
    .getConfiguration("arazzo")
    .get<string>("server.path", "arazzo");
  const serverOptions: ServerOptions = {
    run: { command, args: ["lsp"] },
    debug: { command, args: ["lsp"] },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: "file", pattern: "**/*.arazzo.{yaml,yml,json}" },
      { scheme: "file", language: "yaml" },
      { scheme: "file", language: "json" },
    ],
    synchronize: {
      fileEvents: [
        vscode.workspace.createFileSystemWatcher("**/*.{yaml,yml,json}"),
        vscode.workspace.createFileSystemWatcher("**/arazzo.toml"),
      ],
    },
    middleware: {
      // "Show graph": the server returns the workflow's Mermaid text; open it beside.
      executeCommand: async (cmd, args, next) => {
        const result = await next(cmd, args);
        if (cmd === "arazzo.showGraph" && typeof result === "string") {
          const doc = await vscode.workspace.openTextDocument({
            language: "mermaid",
            content: result,
          });
          await vscode.window.showTextDocument(doc, vscode.ViewColumn.Beside);
        }
        return result;
      },
    },
  };
  client = new LanguageClient("arazzo", "Arazzo", serverOptions, clientOptions);
  await client.start();
  context.subscriptions.push({ dispose: () => void client?.stop() });
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
