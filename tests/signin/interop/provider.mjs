// A real OpenID Provider for the sign-in interoperability tests (tests/signin/interop):
// node's oidc-provider, a certified implementation written by people other than ours, on
// 127.0.0.1 at a port the system chooses.
//
//   node provider.mjs
//
// It reads the one confidential client from the environment (CLIENT_ID, CLIENT_SECRET,
// REDIRECT_URI, POST_LOGOUT_REDIRECT_URI) and, once listening, prints one JSON line:
// {"url": ..., "issuers": {"entra": ..., "userinfo": ...}}. Two issuers, each under an
// Entra-style path (/<tenant>/v2.0), differ in one thing only:
//   entra     puts the claims in the ID token, as Entra ID does with its optional claims;
//   userinfo  is oidc-provider's default (conformIdTokenClaims): the ID token has little
//             more than `sub`, and the claims are at the userinfo endpoint.
// Both require PKCE with S256 only, sign with RS256 keys made for the run, and offer RP-initiated
// logout. People are added by the tests (POST /test/accounts), with whatever claims they
// need: `email`, `preferred_username`, `groups`, or Entra's groups overage
// (`_claim_names` and `_claim_sources`, which oidc-provider serves as distributed claims).
//
// Signing in is a tiny form that takes a login name (no password: the tests are the
// person), or "cancel", which answers access_denied as a person cancelling would. Consent
// is given at once, as an organisation's administrator does for its own applications.

import { generateKeyPairSync, randomBytes } from 'node:crypto';
import http from 'node:http';

import Provider from 'oidc-provider';

const env = (name) => {
  const value = process.env[name];
  if (!value) {
    console.error(`provider.mjs: ${name} is not set`);
    process.exit(2);
  }
  return value;
};

const client = {
  client_id: env('CLIENT_ID'),
  client_secret: env('CLIENT_SECRET'),
  redirect_uris: [env('REDIRECT_URI')],
  post_logout_redirect_uris: [env('POST_LOGOUT_REDIRECT_URI')],
  grant_types: ['authorization_code'],
  response_types: ['code'],
  // mozilla-django-oidc sends the secret in the body unless told otherwise.
  token_endpoint_auth_method: 'client_secret_post',
  id_token_signed_response_alg: 'RS256',
};

const TENANTS = {
  entra: { tenant: '72f988bf-0000-4000-8000-00000000e17a', claimsInIdToken: true },
  userinfo: { tenant: '5c2b0d6e-0000-4000-8000-0000000001f0', claimsInIdToken: false },
};

// By login name and by subject: the people the tests added.
const byLogin = new Map();
const bySubject = new Map();

function signingKey() {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { ...privateKey.export({ format: 'jwk' }), kid: randomBytes(8).toString('hex'), alg: 'RS256', use: 'sig' };
}

function page(title, body) {
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head><body>${body}</body></html>`;
}

function escape(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

async function readBody(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

function makeProvider(base, mount, { claimsInIdToken }) {
  const provider = new Provider(`${base}${mount}`, {
    clients: [client],
    jwks: { keys: [signingKey()] },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    conformIdTokenClaims: !claimsInIdToken,
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      // Entra ID sends its groups and sign-in name with the profile; `upn` is its older name.
      profile: ['name', 'preferred_username', 'upn', 'groups'],
    },
    pkce: { methods: ['S256'], required: () => true },
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: { enabled: true },
    },
    interactions: { url: (ctx, interaction) => `${mount}/interaction/${interaction.uid}` },
    async findAccount(ctx, sub) {
      const account = bySubject.get(sub);
      if (!account) return undefined;
      return { accountId: sub, claims: async () => ({ ...account.claims, sub }) };
    },
  });
  provider.on('server_error', (ctx, error) => console.error('server_error', error));
  return provider;
}

async function interaction(provider, req, res) {
  const details = await provider.interactionDetails(req, res);
  if (details.prompt.name === 'consent') {
    const { prompt, params, session, grantId } = details;
    const grant = grantId
      ? await provider.Grant.find(grantId)
      : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
    if (prompt.details.missingOIDCScope) grant.addOIDCScope(prompt.details.missingOIDCScope.join(' '));
    if (prompt.details.missingOIDCClaims) grant.addOIDCClaims(prompt.details.missingOIDCClaims);
    for (const [indicator, scopes] of Object.entries(prompt.details.missingResourceScopes || {})) {
      grant.addResourceScope(indicator, scopes.join(' '));
    }
    const saved = await grant.save();
    return provider.interactionFinished(req, res, { consent: { grantId: saved } }, { mergeWithLastSubmission: true });
  }
  if (req.method === 'GET') {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    return res.end(page('Sign in', `<form method="post"><label>Login <input name="login"></label>
      <button>Sign in</button> <button name="cancel" value="1">Cancel</button></form>`));
  }
  const form = new URLSearchParams(await readBody(req));
  if (form.get('cancel')) {
    return provider.interactionFinished(req, res, {
      error: 'access_denied',
      error_description: 'The person cancelled the sign-in',
    }, { mergeWithLastSubmission: false });
  }
  const account = byLogin.get(form.get('login'));
  if (!account) {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    return res.end(page('Sign in', `<p>No account ${escape(form.get('login'))}.</p>`));
  }
  return provider.interactionFinished(req, res, { login: { accountId: account.sub } }, { mergeWithLastSubmission: false });
}

// For the tests only: {"login": ..., "claims": {...}} adds a person, answering their subject.
async function addAccount(req, res) {
  const { login, claims } = JSON.parse(await readBody(req));
  // Entra's subjects are opaque, 43 characters of base64url.
  const sub = randomBytes(32).toString('base64url').slice(0, 43);
  const account = { sub, claims: claims || {} };
  byLogin.set(login, account);
  bySubject.set(sub, account);
  res.writeHead(201, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify({ sub }));
}

const mounts = [];
const server = http.createServer(async (req, res) => {
  try {
    const { pathname } = new URL(req.url, 'http://127.0.0.1');
    if (pathname === '/test/accounts' && req.method === 'POST') return await addAccount(req, res);
    const found = mounts.find(([mount]) => pathname.startsWith(`${mount}/`));
    if (!found) {
      res.writeHead(404);
      return res.end();
    }
    const [mount, provider, callback] = found;
    if (pathname.startsWith(`${mount}/interaction/`)) return await interaction(provider, req, res);
    // oidc-provider reads where it is mounted from the difference of these two.
    req.originalUrl = req.url;
    req.url = req.url.slice(mount.length);
    return callback(req, res);
  } catch (error) {
    console.error(error);
    if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
    return res.end(String(error));
  }
});

server.listen(0, '127.0.0.1', () => {
  const base = `http://127.0.0.1:${server.address().port}`;
  const issuers = {};
  for (const [mode, config] of Object.entries(TENANTS)) {
    const mount = `/${config.tenant}/v2.0`;
    const provider = makeProvider(base, mount, config);
    mounts.push([mount, provider, provider.callback()]);
    issuers[mode] = `${base}${mount}`;
  }
  console.log(JSON.stringify({ url: base, issuers }));
});

for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => server.close(() => process.exit(0)));
