import {
  addressRefusal,
  AddressKind,
  deliveryRefusalMessage,
  nameToResolve,
  registrationMessage,
  TargetRefusal,
  targetRefusal,
} from './target-policy.js';

const policyOn = { allowPrivate: false };
const policyOff = { allowPrivate: true };

describe('targetRefusal with the address policy on', () => {
  it.each<[string, AddressKind]>([
    ['http://127.0.0.1/hooks', 'loopback'],
    ['http://127.0.0.1:5432/', 'loopback'],
    ['http://127.255.255.254/', 'loopback'],
    // Spellings the WHATWG parser (and the OS's inet_aton) read as 127.0.0.1.
    ['http://0x7f000001/', 'loopback'],
    ['http://2130706433/', 'loopback'],
    ['http://0177.0.0.1/', 'loopback'],
    ['http://127.1/', 'loopback'],
    ['http://0x7f.0.0.1/', 'loopback'],
    ['http://１２７.０.０.１/', 'loopback'],
    ['http://[::1]/', 'loopback'],
    ['http://[::ffff:127.0.0.1]/', 'loopback'],
    ['http://[::ffff:7f00:1]/', 'loopback'],
    ['http://[64:ff9b::127.0.0.1]/', 'loopback'],
    ['http://localhost:8080/', 'loopback'],
    ['http://LOCALHOST./', 'loopback'],
    ['http://api.localhost/', 'loopback'],
    ['http://10.0.0.1/', 'private network'],
    ['http://172.16.5.4/', 'private network'],
    ['http://172.31.255.255/', 'private network'],
    ['http://192.168.1.1/', 'private network'],
    ['http://[::ffff:10.1.2.3]/', 'private network'],
    ['http://[fc00::1]/', 'private network'],
    ['http://[fd12:3456::1]/', 'private network'],
    ['http://169.254.1.1/', 'link-local'],
    ['http://[fe80::1]/', 'link-local'],
    ['http://169.254.169.254/latest/meta-data/', 'cloud metadata'],
    ['http://[::ffff:169.254.169.254]/', 'cloud metadata'],
    ['http://168.63.129.16/', 'cloud metadata'],
    ['http://100.100.100.200/', 'cloud metadata'],
    ['http://[fd00:ec2::254]/', 'cloud metadata'],
    ['http://100.64.0.1/', 'carrier-grade NAT'],
    ['http://224.0.0.1/', 'multicast'],
    ['http://[ff02::1]/', 'multicast'],
    ['http://0.0.0.0/', 'unspecified'],
    ['http://0/', 'unspecified'],
    ['http://[::]/', 'unspecified'],
    ['http://255.255.255.255/', 'reserved'],
    ['http://240.0.0.1/', 'reserved'],
    ['http://192.0.2.10/', 'reserved'],
    ['http://[::127.0.0.1]/', 'reserved'],
    ['http://[2001:db8::1]/', 'reserved'],
    // The parser reads the host as 127.0.0.1; a person might read evil.example.
    ['http://127.0.0.1\\@evil.example/', 'loopback'],
  ])('%s is refused: %s', (url, kind) => {
    expect(targetRefusal(url, policyOn)).toEqual({ rule: 'address', kind });
  });

  it.each([
    'https://marketplace.example/parley/webhooks',
    'https://hooks.example.com:8443/x?y=1#z',
    'HTTPS://Hooks.Example.COM/x',
    'http://8.8.8.8/',
    'http://172.32.0.1/',
    'http://100.128.0.1/',
    'http://[2606:4700:4700::1111]/',
    'http://[::ffff:8.8.8.8]/',
    'http://[64:ff9b::8.8.8.8]/',
    // Internationalised names are read as written; the parser sends their xn-- form.
    'https://bücher.example/',
    'http://ｅxample.com/',
    'https://example.com./',
  ])('%s is allowed', (url) => {
    expect(targetRefusal(url, policyOn)).toBeNull();
  });
});

describe('targetRefusal on the URL’s form (with the address policy off too)', () => {
  it.each<[string, TargetRefusal]>([
    ['ftp://example.com/x', { rule: 'not-http' }],
    ['file:///etc/passwd', { rule: 'not-http' }],
    ['javascript:alert(1)', { rule: 'not-http' }],
    ['not a url', { rule: 'not-http' }],
    ['http://user:pass@example.com/', { rule: 'credentials' }],
    ['http://user@example.com/', { rule: 'credentials' }],
    ['http://@example.com/', { rule: 'credentials' }],
    ['http://user:pass@10.0.0.1/', { rule: 'credentials' }],
    ['http://example.com\\@evil.example/', { rule: 'unclear', why: 'backslash' }],
    ['http:\\\\example.com/', { rule: 'unclear', why: 'backslash' }],
    ['http://exam\tple.com/', { rule: 'unclear', why: 'control' }],
    ['http://example.com/a b', { rule: 'unclear', why: 'control' }],
    ['http:example.com/x', { rule: 'unclear', why: 'form' }],
    ['http:///example.com/', { rule: 'unclear', why: 'form' }],
    ['http://EXAMPLE.com:80:80/', { rule: 'not-http' }],
    ['http://exa%6dple.com/', { rule: 'unclear', why: 'escaped-host' }],
    ['http://0x08080808/', { rule: 'unclear', why: 'ipv4-spelling' }],
    ['http://134744072/', { rule: 'unclear', why: 'ipv4-spelling' }],
    ['http://8.8.2056/', { rule: 'unclear', why: 'ipv4-spelling' }],
    ['http://010.8.8.8/', { rule: 'unclear', why: 'ipv4-spelling' }],
  ])('%s is refused', (url, refusal) => {
    expect(targetRefusal(url, policyOn)).toEqual(refusal);
    expect(targetRefusal(url, policyOff)).toEqual(refusal);
  });

  it('with the address policy off, loopback and private targets are allowed when written plainly', () => {
    for (const url of [
      'http://127.0.0.1:4010/hooks',
      'http://localhost:3000/',
      'http://[::1]/',
      'http://10.0.0.1/',
      'http://169.254.169.254/',
    ]) {
      expect(targetRefusal(url, policyOff)).toBeNull();
    }
    expect(targetRefusal('http://0x7f000001/', policyOff)).toEqual({ rule: 'unclear', why: 'ipv4-spelling' });
  });
});

describe('addressRefusal (addresses as a resolver returns them)', () => {
  it.each<[string, AddressKind | null]>([
    ['127.0.0.1', 'loopback'],
    ['::1', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['10.20.30.40', 'private network'],
    ['fe80::1%eth0', 'link-local'],
    ['169.254.169.254', 'cloud metadata'],
    ['0.0.0.0', 'unspecified'],
    ['2002:7f00:1::', 'reserved'],
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'reserved'],
    ['not an address', 'reserved'],
    ['93.184.216.34', null],
    ['2606:2800:220:1:248:1893:25c8:1946', null],
  ])('%s → %s', (address, kind) => {
    expect(addressRefusal(address)).toBe(kind);
  });
});

describe('nameToResolve', () => {
  it('is the host name, or null for an address literal', () => {
    expect(nameToResolve(new URL('https://Hooks.Example.com:8443/x'))).toBe('hooks.example.com');
    expect(nameToResolve(new URL('http://8.8.8.8/'))).toBeNull();
    expect(nameToResolve(new URL('http://[2606:4700::1111]/'))).toBeNull();
  });
});

describe('messages', () => {
  it('say why in plain words, naming url at registration, and never the address at delivery', () => {
    expect(registrationMessage({ rule: 'address', kind: 'loopback' })).toBe(
      'url points to a loopback address (the server itself); webhooks are only sent to public internet addresses',
    );
    expect(registrationMessage({ rule: 'address', kind: 'private network' }, true)).toBe(
      "url's host name resolves to a private network address; webhooks are only sent to public internet addresses",
    );
    expect(registrationMessage({ rule: 'credentials' })).toMatch(/^url must not contain a user name or password/);
    expect(deliveryRefusalMessage({ rule: 'address', kind: 'private network' })).toBe(
      "The endpoint's address is not allowed (private network)",
    );
    expect(deliveryRefusalMessage({ rule: 'credentials' })).toBe("The endpoint's URL is not allowed");
  });
});
