import RemitFraud
import Testing

@Suite struct ReferenceFilesTests {
    @Test func binlistLayout() throws {
        let text = """
            bin,brand,type,category,issuer,alpha_2,alpha_3,country
            400005,VISA,DEBIT,,Bank,US,USA,United States
            45717360,VISA,DEBIT,,Bank,DK,DNK,Denmark
            """
        let bins = try ReferenceFiles.cardBins(text)
        #expect(bins == ["400005": "US", "45717360": "DK"])
        var data = ReferenceData()
        data.cardBins = bins
        #expect(data.country(ofCardNumberPrefix: "45717360") == "DK", "the longest prefix wins")
        #expect(data.country(ofCardNumberPrefix: "40000512") == "US")
        #expect(data.country(ofCardNumberPrefix: "51051051") == nil)
        #expect(throws: ReferenceFiles.Problem.self) { try ReferenceFiles.cardBins("bin,alpha_2\n12ab56,US\n") }
    }

    @Test func dbipAndIP2LocationLayouts() throws {
        let dbip = """
            1.0.0.0,1.0.0.255,AU
            1.0.1.0,1.0.3.255,CN
            2001:200::,2001:200:ffff:ffff:ffff:ffff:ffff:ffff,JP
            """
        let ip2location = """
            "16777216","16777471","AU","Australia"
            "16777472","16778239","CN","China"
            "16778240","16779263","-","-"
            """
        let first = try ReferenceFiles.ipRanges(dbip), second = try ReferenceFiles.ipRanges(ip2location)
        #expect(first == second)
        var data = ReferenceData()
        data.ipRanges = first
        #expect(data.country(ofIP: "1.0.0.7") == "AU")
        #expect(data.country(ofIP: "1.0.2.200") == "CN")
        #expect(data.country(ofIP: "1.0.4.0") == nil)
        #expect(data.country(ofIP: "not an ip") == nil)
        #expect(throws: ReferenceFiles.Problem.self) { try ReferenceFiles.ipRanges("1.0.0.0,1.0.0.255,AU\n1.0.0.9,1.0.1.0,CN\n") }
    }

    @Test func domainAges() throws {
        let domains = try ReferenceFiles.emailDomains("domain,registered\ngmail.com,1995-08-13\nfresh-shop.io,1790000000\n")
        var data = ReferenceData()
        data.emailDomains = domains
        #expect(data.emailDomainAgeDays(email: "Someone@Fresh-Shop.io", now: 1_790_000_000 + 3 * 86_400) == 3)
        #expect(data.emailDomainAgeDays(email: "a@unknown.org", now: 0) == nil)
        #expect(throws: ReferenceFiles.Problem.self) { try ReferenceFiles.emailDomains("gmail.com,1995-08-13\nx.com,yesterday\n") }
    }
}
