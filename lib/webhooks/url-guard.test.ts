import { describe, expect, it } from "vitest";
import { checkUrlShape, isForbiddenAddress, isInCidrs, isValidCidr, resolveAllowedAddresses } from "@/lib/webhooks/url-guard";

describe("isForbiddenAddress", () => {
  it.each([
    ["127.0.0.1", "loopback"],
    ["127.255.255.254", "loopback range"],
    ["10.1.2.3", "private 10/8"],
    ["172.16.0.1", "private 172.16/12"],
    ["172.31.255.255", "private 172.16/12 top"],
    ["192.168.1.1", "private 192.168/16"],
    ["169.254.169.254", "cloud metadata (link-local)"],
    ["0.0.0.0", "unspecified"],
    ["100.64.0.1", "CGNAT"],
    ["224.0.0.1", "multicast"],
    ["255.255.255.255", "broadcast"],
    ["240.0.0.1", "reserved"],
    ["192.0.2.1", "documentation"],
    ["::1", "v6 loopback"],
    ["::", "v6 unspecified"],
    ["fe80::1", "v6 link-local"],
    ["fc00::1", "unique-local fc00::/7"],
    ["fd12:3456::1", "unique-local fd"],
    ["ff02::1", "v6 multicast"],
    ["::ffff:127.0.0.1", "IPv4-mapped loopback"],
    ["::ffff:7f00:1", "IPv4-mapped loopback, hex form"],
    ["::ffff:169.254.169.254", "IPv4-mapped metadata"],
    ["::ffff:10.0.0.1", "IPv4-mapped private"],
    ["64:ff9b::7f00:1", "NAT64 of loopback"],
    ["64:ff9b::a00:1", "NAT64 of 10.0.0.1"],
    ["2002:7f00:1::1", "6to4 of loopback"],
    ["2002:a9fe:a9fe::1", "6to4 of the metadata address"],
    ["2001:0:4136:e378:8000:63bf:3fff:fdd2", "Teredo"],
    ["::7f00:1", "IPv4-compatible loopback"],
    ["2001:db8::1", "v6 documentation"],
    ["not-an-ip", "not an address at all"],
    ["", "empty"],
  ])("refuses %s (%s)", (ip) => {
    expect(isForbiddenAddress(ip)).toBe(true);
  });

  it.each([
    ["8.8.8.8", "public v4"],
    ["1.1.1.1", "public v4"],
    ["172.32.0.1", "just outside 172.16/12"],
    ["100.128.0.1", "just outside CGNAT"],
    ["2606:4700:4700::1111", "public v6"],
    ["2a00:1450:4001:80b::200e", "public v6"],
    ["::ffff:8.8.8.8", "IPv4-mapped public"],
    ["64:ff9b::808:808", "NAT64 of a public address (DNS64 on IPv6-only networks)"],
    ["2002:808:808::1", "6to4 of a public address"],
  ])("allows %s (%s)", (ip) => {
    expect(isForbiddenAddress(ip)).toBe(false);
  });
});

describe("isInCidrs", () => {
  it.each([
    ["10.1.2.3", ["10.0.0.0/8"], true],
    ["11.0.0.1", ["10.0.0.0/8"], false],
    ["203.0.113.7", ["203.0.113.7"], true],
    ["203.0.113.8", ["203.0.113.7"], false],
    ["203.0.113.8", ["198.51.100.0/24", "203.0.113.0/28"], true],
    ["::ffff:10.1.2.3", ["10.0.0.0/8"], true],
    ["10.1.2.3", ["::ffff:10.0.0.0/104"], true],
    ["2001:db8::5", ["2001:db8::/32"], true],
    ["2001:db9::5", ["2001:db8::/32"], false],
    ["10.1.2.3", ["2001:db8::/32"], false],
    ["10.1.2.3", [], false],
    ["10.1.2.3", ["garbage"], false],
    ["garbage", ["0.0.0.0/0"], false],
  ])("%s in %j is %s", (ip, cidrs, expected) => {
    expect(isInCidrs(ip, cidrs)).toBe(expected);
  });
});

describe("isValidCidr", () => {
  it.each(["10.0.0.0/8", "203.0.113.7", "0.0.0.0/0", "2001:db8::/32", "::1", "::ffff:10.0.0.0/104", " 10.0.0.0/8 "])("accepts %s", (value) => {
    expect(isValidCidr(value)).toBe(true);
  });
  it.each(["", "10.0.0.0/33", "2001:db8::/129", "10/8", "0x7f.1", "2130706433", "example.com", "10.0.0.0/", "1.2.3.4.5"])("rejects %s", (value) => {
    expect(isValidCidr(value)).toBe(false);
  });
});

describe("checkUrlShape", () => {
  it.each(["https://example.com/webhooks", "http://example.com:8080/x?y=1", "https://[2606:4700:4700::1111]/hook"])("accepts %s", (url) => {
    expect(checkUrlShape(url)).toBeNull();
  });
  it.each([
    ["not a url", "invalid_url"],
    ["ftp://example.com/x", "unsupported_scheme"],
    ["file:///etc/passwd", "unsupported_scheme"],
    ["javascript:alert(1)", "unsupported_scheme"],
    ["https://user:pass@example.com/", "invalid_url"],
    ["https://token@example.com/", "invalid_url"],
    [`https://example.com/${"a".repeat(2048)}`, "invalid_url"],
  ])("refuses %s as %s", (url, code) => {
    expect(checkUrlShape(url)?.code).toBe(code);
  });
});

describe("resolveAllowedAddresses", () => {
  it("refuses a DNS name that resolves inward (localhost)", async () => {
    const result = await resolveAllowedAddresses("http://localhost:3000/hook", { allowPrivateNetworks: false });
    expect(result).toMatchObject({ ok: false, problem: { code: "private_address" } });
  });

  it.each(["http://127.0.0.1/", "http://2130706433/", "http://0177.0.0.1/", "http://0x7f.1/", "http://[::ffff:127.0.0.1]/", "http://[::1]/", "http://169.254.169.254/latest/meta-data/", "http://0.0.0.0/"])(
    "refuses the literal address in %s",
    async (url) => {
      const result = await resolveAllowedAddresses(url, { allowPrivateNetworks: false });
      expect(result).toMatchObject({ ok: false, problem: { code: "private_address" } });
    },
  );

  it("allows localhost when private networks are allowed, returning every resolved address", async () => {
    const result = await resolveAllowedAddresses("http://localhost:3000/hook", { allowPrivateNetworks: true });
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.addresses).toContain("127.0.0.1");
  });

  it("returns a public literal address without a DNS lookup", async () => {
    await expect(resolveAllowedAddresses("https://8.8.8.8/hook", { allowPrivateNetworks: false })).resolves.toEqual({ ok: true, addresses: ["8.8.8.8"] });
    await expect(resolveAllowedAddresses("https://[2606:4700:4700::1111]/", { allowPrivateNetworks: false })).resolves.toEqual({
      ok: true,
      addresses: ["2606:4700:4700::1111"],
    });
  });

  it("refuses an address outside a non-empty whitelist, even with private networks allowed", async () => {
    const result = await resolveAllowedAddresses("http://127.0.0.1:3000/", { allowPrivateNetworks: true, ipWhitelist: ["10.0.0.0/8"] });
    expect(result).toMatchObject({ ok: false, problem: { code: "not_whitelisted" } });
  });

  it("allows an address inside the whitelist", async () => {
    const result = await resolveAllowedAddresses("http://8.8.8.8/", { allowPrivateNetworks: false, ipWhitelist: ["8.8.8.0/24"] });
    expect(result).toEqual({ ok: true, addresses: ["8.8.8.8"] });
  });

  it("does not let the whitelist open a private address when private networks are not allowed", async () => {
    const result = await resolveAllowedAddresses("http://127.0.0.1/", { allowPrivateNetworks: false, ipWhitelist: ["127.0.0.0/8"] });
    expect(result).toMatchObject({ ok: false, problem: { code: "private_address" } });
  });

  it("reports a host that does not resolve as unresolvable", async () => {
    const result = await resolveAllowedAddresses("https://no-such-host.invalid/", { allowPrivateNetworks: false });
    expect(result).toMatchObject({ ok: false, problem: { code: "unresolvable" } });
  });

  it("reports a malformed URL with its shape problem", async () => {
    const result = await resolveAllowedAddresses("gopher://example.com/", { allowPrivateNetworks: true });
    expect(result).toMatchObject({ ok: false, problem: { code: "unsupported_scheme" } });
  });
});
