import { bytesToHex } from 'viem'
import { mnemonicToAccount } from 'viem/accounts'
import { expect, test } from 'vitest'
import { ANVIL_ACCOUNTS } from './anvilAccounts.js'

test('default: the list is what anvil derives from its mnemonic', () => {
  const mnemonic = 'test test test test test test test test test test test junk'
  ANVIL_ACCOUNTS.forEach(({ address, privateKey }, addressIndex) => {
    const account = mnemonicToAccount(mnemonic, { addressIndex })
    expect([account.address, bytesToHex(account.getHdKey().privateKey!)]).toEqual([address, privateKey])
  })
})
