// A real OpenID provider for Echelon's sign-in tests: oidc-provider (OpenID Foundation certified)
// on 127.0.0.1. Configured from the environment:
//   OIDC_PORT, OIDC_CLIENTS (JSON list of {client_id, client_secret, redirect_uris}),
//   OIDC_USERS (path of a JSON file {"<login>": {"password": ..., "email": ..., "name": ...,
//   "groups": [...], "employee_no": ...}}).
// The login page is a plain form (no dev interactions): POST login + password to
// /interaction/<uid>; consent is implied for the test clients, unless OIDC_CONSENT_PAGE=1: then
// a consent page follows the login (POST consent=allow), as most providers show on first use.
// Prints "ready <issuer>" when up.
import http from 'node:http';
import fs from 'node:fs';
import Provider from 'oidc-provider';

const port = Number(process.env.OIDC_PORT || 0);
const issuer = `http://127.0.0.1:${port}`;
const clients = JSON.parse(process.env.OIDC_CLIENTS || '[]').map((c) => ({
  grant_types: ['authorization_code'],
  response_types: ['code'],
  token_endpoint_auth_method: 'client_secret_basic',
  ...c,
}));
const usersFile = process.env.OIDC_USERS;
const users = () => JSON.parse(fs.readFileSync(usersFile, 'utf8'));
const SCOPES = 'openid email profile groups employee_no';
const CLAIMS = ['email', 'email_verified', 'name', 'groups', 'employee_no'];
const askConsent = process.env.OIDC_CONSENT_PAGE === '1';

const provider = new Provider(issuer, {
  clients,
  pkce: { required: () => true },
  features: { devInteractions: { enabled: false } },
  scopes: ['openid', 'email', 'profile', 'groups', 'employee_no'],
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name'],
    groups: ['groups'],
    employee_no: ['employee_no'],
  },
  conformIdTokenClaims: false, // the ID token carries the claims (as Keycloak and Entra do)
  cookies: { keys: ['echelon-test-only-cookie-key'] },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  async findAccount(ctx, id) {
    const user = users()[id];
    if (!user) return undefined;
    return {
      accountId: id,
      async claims() {
        return {
          sub: id,
          email: user.email,
          email_verified: true,
          name: user.name || id,
          groups: user.groups || [],
          employee_no: user.employee_no,
        };
      },
    };
  },
  async loadExistingGrant(ctx) {
    const grantId =
      ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    if (askConsent) return undefined; // the consent page makes the grant
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope(SCOPES);
    grant.addOIDCClaims(CLAIMS);
    await grant.save();
    return grant;
  },
});

const page = (uid, message) => `<!doctype html><html><body><h1>Test provider</h1>
<p>${message || ''}</p><form method="post" action="/interaction/${uid}">
<label>Login <input name="login"></label><label>Password <input name="password" type="password"></label>
<button type="submit">Sign in</button></form></body></html>`;

const consentPage = (uid, clientId) => `<!doctype html><html><body><h1>Test provider</h1>
<p>${clientId} asks to know your email address, name and groups.</p>
<form method="post" action="/interaction/${uid}">
<button type="submit" name="consent" value="allow">Allow</button></form></body></html>`;

async function consent(req, res, details) {
  const grant = details.grantId
    ? await provider.Grant.find(details.grantId)
    : new provider.Grant({ accountId: details.session.accountId, clientId: details.params.client_id });
  grant.addOIDCScope(SCOPES);
  grant.addOIDCClaims(CLAIMS);
  const grantId = await grant.save();
  await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
}

async function interaction(req, res, uid) {
  const details = await provider.interactionDetails(req, res);
  const asksConsent = askConsent && details.prompt.name === 'consent';
  if (req.method === 'GET') {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(asksConsent ? consentPage(uid, details.params.client_id) : page(uid));
    return;
  }
  let body = '';
  for await (const chunk of req) body += chunk;
  const form = new URLSearchParams(body);
  if (asksConsent) {
    if (form.get('consent') !== 'allow') {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(consentPage(uid, details.params.client_id));
      return;
    }
    await consent(req, res, details);
    return;
  }
  const user = users()[form.get('login')];
  if (!user || user.password !== form.get('password')) {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(page(uid, 'Wrong login or password'));
    return;
  }
  const result = { login: { accountId: form.get('login') } };
  if (details.prompt.name === 'consent') result.consent = {};
  await provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
}

const callback = provider.callback();
const server = http.createServer((req, res) => {
  const match = req.url.match(/^\/interaction\/([^/?]+)/);
  if (!match) return callback(req, res);
  interaction(req, res, match[1]).catch((err) => {
    res.writeHead(400, { 'content-type': 'text/plain' });
    res.end(String(err));
  });
});
server.listen(port, '127.0.0.1', () => console.log(`ready ${issuer}`));
