// A real OpenID Connect provider (the certified `oidc-provider` package) for the end-to-end
// sign-in tests of crates/cli/tests/it/oidc.rs. Configured by the environment:
//   PORT           the port to listen on (127.0.0.1)
//   ISSUER         the issuer it names itself (default http://127.0.0.1:PORT)
//   CLIENT_ID, CLIENT_SECRET, REDIRECT_URI   the one client: the server under test
//   ACCOUNTS_FILE  JSON { login: { email, email_verified, name, roles } }, read at each sign-in
//   ROLE_CLAIM     the claim that carries `roles` (default aimsgap_roles)
//   TAMPER=1       flips one character of each ID token's signature on its way out of the
//                  token endpoint, as a hostile network would
// Its development login page takes any password; the test signs in by login name.
import Provider from 'oidc-provider';
import { readFileSync } from 'node:fs';

const port = Number(process.env.PORT);
const issuer = process.env.ISSUER || `http://127.0.0.1:${port}`;
const roleClaim = process.env.ROLE_CLAIM || 'aimsgap_roles';
const accounts = () => JSON.parse(readFileSync(process.env.ACCOUNTS_FILE, 'utf8'));

const provider = new Provider(issuer, {
  clients: [{
    client_id: process.env.CLIENT_ID,
    client_secret: process.env.CLIENT_SECRET,
    redirect_uris: [process.env.REDIRECT_URI],
    grant_types: ['authorization_code'],
    response_types: ['code'],
  }],
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name', roleClaim],
  },
  // The claims of the granted scopes go into the ID token itself (the server reads no
  // userinfo).
  conformIdTokenClaims: false,
  pkce: { required: () => true },
  features: { devInteractions: { enabled: true } },
  cookies: { keys: ['only-for-tests-only-for-tests'] },
  async findAccount(ctx, id) {
    const account = accounts()[id];
    if (!account) return undefined;
    return {
      accountId: id,
      async claims() {
        return {
          sub: id,
          email: account.email,
          email_verified: account.email_verified,
          name: account.name,
          [roleClaim]: account.roles || [],
        };
      },
    };
  },
  // The server under test is a first-party client: consent is given, as a company provider
  // configures it.
  async loadExistingGrant(ctx) {
    const { Grant } = ctx.oidc.provider;
    const clientId = ctx.oidc.client.clientId;
    const accountId = ctx.oidc.session.accountId;
    const existing = ctx.oidc.session.grantIdFor(clientId);
    if (existing) {
      const grant = await Grant.find(existing);
      if (grant) return grant;
    }
    const grant = new Grant({ clientId, accountId });
    grant.addOIDCScope('openid email profile');
    await grant.save();
    ctx.oidc.session.ensureClientContainer(clientId);
    ctx.oidc.session.grantIdFor(clientId, grant.jti);
    return grant;
  },
});

if (process.env.TAMPER === '1') {
  provider.use(async (ctx, next) => {
    await next();
    if (ctx.path !== '/token') return;
    const body = typeof ctx.body === 'string' ? JSON.parse(ctx.body) : ctx.body;
    if (!body || typeof body.id_token !== 'string') return;
    const [header, payload, signature] = body.id_token.split('.');
    const at = Math.floor(signature.length / 2);
    const flipped = signature[at] === 'A' ? 'B' : 'A';
    body.id_token = `${header}.${payload}.${signature.slice(0, at)}${flipped}${signature.slice(at + 1)}`;
    ctx.body = body;
  });
}

provider.listen(port, '127.0.0.1', () => {
  console.log(`oidc-provider ${issuer} listening on 127.0.0.1:${port}`);
});
