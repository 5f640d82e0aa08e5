/** A change to a portfolio whose margin a what-if evaluates. */
export type PortfolioChange =
  | {
      /** Buy (amount > 0) or sell (amount < 0) option contracts. */
      kind: 'option'
      underlying: string
      expiry: number
      strike: number
      isCall: boolean
      amount: number
      /** σ of the series. */
      vol: number
      /** Premium per contract paid or received; default the Black-76 value (equity-neutral). */
      price?: number | undefined
      id?: string | undefined
      chainId?: number | undefined
    }
  | {
      /** Buy (size > 0) or sell (size < 0) perpetual. */
      kind: 'perp'
      underlying: string
      size: number
      markPrice: number
      /** Execution price; default markPrice. The difference is unrealised P&L at once. */
      price?: number | undefined
      id?: string | undefined
      chainId?: number | undefined
    }
  | {
      /** Withdraw `amount` of a collateral asset from the chain that holds it. */
      kind: 'withdrawCollateral'
      asset: string
      chainId: number
      amount: number
    }
  | {
      /** Withdraw USD cash. */
      kind: 'withdrawCash'
      amount: number
    }

/** The trades among the changes, which `maxTradeSize` scales. */
export type TradeChange = Extract<PortfolioChange, { kind: 'option' | 'perp' }>
