// The fcgilint VS Code extension: starts `fcgilint lsp` over stdio and hands
// it nginx and php-fpm documents.

import * as vscode from 'vscode';
import {
  LanguageClient,
  type LanguageClientOptions,
  type ServerOptions,
  TransportKind,
} from 'vscode-languageclient/node';

import { documentSelector, isExcluded } from './selector';
import {
  INSTALL_COMMAND,
  currentEnvironment,
  missingBinaryMessage,
  readSettings,
  resolveExecutable,
  serverArgs,
} from './server';

const CLIENT_ID = 'fcgilint'; // also the prefix of the fcgilint.trace.server setting
const CLIENT_NAME = 'fcgilint';

let client: LanguageClient | undefined;
let output: vscode.OutputChannel | undefined;
// Serialises start, stop and restart.
let queue: Promise<void> = Promise.resolve();

function enqueue(job: () => Promise<void>): Promise<void> {
  queue = queue.then(job, job);
  return queue;
}

/** Whether the server may be sent the document (see isExcluded). */
function sendable(doc: vscode.TextDocument): boolean {
  return !isExcluded({
    scheme: doc.uri.scheme,
    path: doc.uri.scheme === 'file' ? doc.uri.fsPath : '',
    languageId: doc.languageId,
  });
}

function workspaceFolderPath(): string | undefined {
  const f = vscode.workspace.workspaceFolders?.[0];
  return f?.uri.scheme === 'file' ? f.uri.fsPath : undefined;
}

async function reportMissingBinary(setting: string, tried: string[]): Promise<void> {
  const message = missingBinaryMessage(setting);
  output?.appendLine(message);
  output?.appendLine(`Looked for: ${tried.join(', ')}`);
  const copy = 'Copy install command';
  const settings = 'Open Settings';
  const choice = await vscode.window.showErrorMessage(message, copy, settings);
  if (choice === copy) {
    await vscode.env.clipboard.writeText(INSTALL_COMMAND);
  } else if (choice === settings) {
    await vscode.commands.executeCommand('workbench.action.openSettings', 'fcgilint.path');
  }
}

async function startClient(): Promise<void> {
  const config = vscode.workspace.getConfiguration('fcgilint');
  const settings = readSettings((key) => config.get(key));
  const folder = workspaceFolderPath();
  const found = resolveExecutable(settings.path, currentEnvironment(folder));
  if (found.command === undefined) {
    void reportMissingBinary(settings.path, found.tried);
    return;
  }
  const args = serverArgs(settings);
  output?.appendLine(`Starting ${found.command} ${args.join(' ')}`);

  const serverOptions: ServerOptions = {
    command: found.command,
    args,
    transport: TransportKind.stdio, // the client appends --stdio
    options: folder !== undefined ? { cwd: folder } : {},
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: documentSelector(),
    outputChannel: output,
    // No synchronize.fileEvents: the server registers its own file watchers
    // (workspace/didChangeWatchedFiles, dynamic registration).
    // Files that a glob selects but that are not nginx or php-fpm files
    // (an Apache site in sites-enabled/) are never opened on the server.
    middleware: {
      didOpen: (doc, next) => (sendable(doc) ? next(doc) : Promise.resolve()),
      didChange: (e, next) => (sendable(e.document) ? next(e) : Promise.resolve()),
      didSave: (doc, next) => (sendable(doc) ? next(doc) : Promise.resolve()),
      didClose: (doc, next) => (sendable(doc) ? next(doc) : Promise.resolve()),
      willSave: (e, next) => (sendable(e.document) ? next(e) : Promise.resolve()),
    },
  };

  const c = new LanguageClient(CLIENT_ID, CLIENT_NAME, serverOptions, clientOptions);
  try {
    await c.start();
    client = c;
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    output?.appendLine(`fcgilint lsp failed to start: ${msg}`);
    void vscode.window.showErrorMessage(
      `fcgilint lsp failed to start (${msg}). Is ${found.command} recent enough to have the "lsp" command? Update it with \`${INSTALL_COMMAND}\`.`,
    );
    try {
      await c.dispose(2000);
    } catch {
      // already dead
    }
  }
}

async function stopClient(): Promise<void> {
  const c = client;
  client = undefined;
  if (c === undefined) {
    return;
  }
  try {
    await c.stop(2000);
  } catch (err) {
    output?.appendLine(`Stopping fcgilint lsp: ${err instanceof Error ? err.message : String(err)}`);
  }
}

export function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel(CLIENT_NAME);
  context.subscriptions.push(output);

  context.subscriptions.push(
    vscode.commands.registerCommand('fcgilint.restartServer', () =>
      enqueue(async () => {
        await stopClient();
        await startClient();
      }),
    ),
    vscode.commands.registerCommand('fcgilint.showOutput', () => output?.show(true)),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('fcgilint.path') || e.affectsConfiguration('fcgilint.args')) {
        void enqueue(async () => {
          await stopClient();
          await startClient();
        });
      }
    }),
  );

  return enqueue(startClient);
}

export function deactivate(): Promise<void> {
  return enqueue(stopClient);
}
