// The OpenID-certified oidc-provider, as a business's identity provider for the tests.
// Usage: node idp.mjs PORT REDIRECT_URI[,REDIRECT_URI...] [CLIENT_ID CLIENT_SECRET]
// Its development login form accepts any login name; a name that is an email address
// becomes the person's email, and "ada.lovelace@..." becomes given name Ada, family name Lovelace.
// Set EMAIL_IN_ID_TOKEN=1 to put the email in the ID token too (by default, as the spec
// says for the `email` scope, it is served by userinfo only).
import Provider from 'oidc-provider';

const [port, redirectUris, clientId = 'wizard', clientSecret = 'wizard-test-secret'] =
  process.argv.slice(2);
const issuer = `http://127.0.0.1:${port}`;

function namesFrom(login) {
  const [first = '', last = ''] = login.split('@')[0].split('.');
  const title = (word) => word.charAt(0).toUpperCase() + word.slice(1);
  return { given_name: title(first), family_name: title(last) };
}

const provider = new Provider(issuer, {
  clients: [{
    client_id: clientId,
    client_secret: clientSecret,
    redirect_uris: redirectUris.split(','),
    response_types: ['code'],
    grant_types: ['authorization_code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  pkce: { required: () => true },
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['given_name', 'family_name'] },
  conformIdTokenClaims: process.env.EMAIL_IN_ID_TOKEN !== '1',
  async findAccount(ctx, sub) {
    return {
      accountId: sub,
      async claims() {
        return { sub, email: sub.includes('@') ? sub : undefined, email_verified: true, ...namesFrom(sub) };
      },
    };
  },
});
provider.proxy = false;
provider.listen(Number(port), '127.0.0.1', () => {
  console.log(`oidc-provider listening on ${issuer}`);
});
