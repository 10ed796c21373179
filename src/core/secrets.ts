import * as path from 'node:path';

/**
 * Files that hold credentials. The indexer never indexes them and the agent's tools never read
 * them, even when the user or the model names them explicitly.
 */
const SECRET_BASENAME = [
  /^\.env(\..*)?$/i,
  /^\.envrc$/i,
  /\.(pem|key|p12|pfx|jks|keystore|kdbx|asc|gpg|ppk)$/i,
  /^id_(rsa|dsa|ecdsa|ed25519)(\.pub)?$/i,
  /^\.npmrc$/i,
  /^\.pypirc$/i,
  /^\.netrc$/i,
  /^\.git-credentials$/i,
  /^\.htpasswd$/i,
  /^credentials(\.json|\.ya?ml|\.xml)?$/i,
  /^(client_secret|service[-_]account)[^/]*\.json$/i,
  /^secrets?\.(json|ya?ml|toml)$/i,
];

const SECRET_DIRS = new Set(['.ssh', '.aws', '.gnupg', '.docker', '.kube']);

/** True when the file at `filePath` (relative or absolute) looks like a secret file. */
export function isSecretFile(filePath: string): boolean {
  const normalized = filePath.replace(/\\/g, '/');
  const base = path.posix.basename(normalized);
  if (SECRET_BASENAME.some((re) => re.test(base))) {
    return true;
  }
  return normalized.split('/').some((segment) => SECRET_DIRS.has(segment));
}
