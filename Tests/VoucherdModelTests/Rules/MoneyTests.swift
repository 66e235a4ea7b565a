import Testing
import VoucherdModel

@Suite("Money")
struct MoneyTests {
    let cny = CurrencyCode("CNY")!
    let usd = CurrencyCode("USD")!

    @Test(arguments: ["CNY", "USD", "JPY", "KWD"])
    func acceptsIsoShapedCodes(_ code: String) {
        #expect(CurrencyCode(code)?.code == code)
    }

    @Test(arguments: ["", "cny", "CN", "CNYX", "C1Y", "元元元"])
    func refusesMalformedCodes(_ code: String) {
        #expect(CurrencyCode(code) == nil)
    }

    @Test func arithmeticStaysInOneCurrency() throws {
        let a = Money(minorUnits: 1_000, currency: cny)
        #expect(try a.adding(Money(minorUnits: 250, currency: cny)).minorUnits == 1_250)
        #expect(try a.subtracting(Money(minorUnits: 1_250, currency: cny)).minorUnits == -250)
        #expect(throws: MoneyError.currencyMismatch(cny, usd)) { try a.adding(Money(minorUnits: 1, currency: usd)) }
    }

    @Test func overflowIsAnErrorNotATrap() {
        let big = Money(minorUnits: .max, currency: cny)
        #expect(throws: MoneyError.overflow) { try big.adding(Money(minorUnits: 1, currency: cny)) }
        #expect(throws: MoneyError.overflow) { try big.percentage(2) }
    }

    @Test func percentageRoundsDownInTheMerchantsFavour() throws {
        // 20% of 0.99 is 0.198: the discount is 0.19, never 0.20.
        #expect(try Money(minorUnits: 99, currency: cny).percentage(20).minorUnits == 19)
    }

    @Test func descriptionUsesTheCurrencysDigits() {
        #expect(Money(minorUnits: 1_230, currency: cny).description == "CNY 12.30")
        #expect(Money(minorUnits: -5, currency: cny).description == "CNY -0.05")
        #expect(Money(minorUnits: 500, currency: CurrencyCode("JPY")!).description == "JPY 500")
        #expect(Money(minorUnits: 1_500, currency: CurrencyCode("KWD")!).description == "KWD 1.500")
    }

    @Test func wireMessageRoundTripsAndRefusesNegativeUnlessAllowed() {
        var message = Voucherd_V1_Money()
        message.currency = "CNY"
        message.minorUnits = -1
        #expect(Money(message) == nil)
        #expect(Money(message, allowNegative: true)?.minorUnits == -1)
        message.minorUnits = 42
        #expect(Money(message)?.message == message)
        message.currency = "yuan"
        #expect(Money(message) == nil)
    }
}
