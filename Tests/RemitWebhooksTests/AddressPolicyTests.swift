import RemitWebhooks
import Testing

struct AddressPolicyTests {
    func permits(_ text: String, _ policy: AddressPolicy = AddressPolicy()) -> Bool {
        policy.permits(IPAddressText.parse(text)!)
    }

    @Test(arguments: ["127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1",
                      "0.0.0.0", "198.18.0.1", "224.0.0.1", "255.255.255.255", "::1", "::", "fc00::1",
                      "fe80::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "64:ff9b::a9fe:a9fe", "::7f00:1"])
    func privateAndSpecialAddressesAreRefusedByDefault(address: String) {
        #expect(!permits(address))
    }

    @Test(arguments: ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111", "::ffff:8.8.8.8"])
    func publicAddressesArePermitted(address: String) {
        #expect(permits(address))
    }

    @Test func theAllowListWins() {
        let policy = AddressPolicy(allowed: [CIDR("127.0.0.0/8")!, CIDR("::1")!])
        #expect(permits("127.0.0.1", policy))
        #expect(permits("::1", policy))
        #expect(!permits("10.0.0.1", policy))
    }

    @Test func cidrsParseAndMatchOnPrefixBits() {
        let block = CIDR("100.64.0.0/10")!
        #expect(block.contains(IPAddressText.parse("100.127.255.255")!))
        #expect(!block.contains(IPAddressText.parse("100.128.0.0")!))
        #expect(CIDR("10.0.0.0/33") == nil)
        #expect(CIDR("nonsense") == nil)
        #expect(CIDR("2001:db8::/32")?.description == "2001:db8:0:0:0:0:0:0/32")
    }
}
