import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import { EXTENSION_ID } from '../../src/extension/constants';
import type { KimiMilvusTestApi } from '../../src/extension/testApi';

/** Activates the extension under test and returns the API it exposes in ExtensionMode.Test. */
export async function testApi(): Promise<KimiMilvusTestApi> {
  const ext = vscode.extensions.getExtension<KimiMilvusTestApi | undefined>(EXTENSION_ID);
  assert.ok(ext, 'extension not loaded');
  const api = await ext.activate();
  assert.ok(api, 'the extension returns its test API in ExtensionMode.Test');
  return api;
}
