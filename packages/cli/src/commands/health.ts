import { type AccountHealthView, createXmarginClient } from '@xmargin/sdk'
import { Command } from 'commander'

const usd = (value: number) =>
  value.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })

/** A readable summary of an account's health. */
export function formatHealth(health: AccountHealthView): string {
  const lines = [
    `account   ${health.account}`,
    `band      ${health.band}   health ${health.health === null ? '∞ (no maintenance margin)' : health.health.toFixed(4)}`,
    `equity    ${usd(health.equity)} USD`,
    `IM        ${usd(health.initialMargin)} USD   imSurplus ${usd(health.imSurplus)} USD`,
    `MM        ${usd(health.maintenanceMargin)} USD   mmSurplus ${usd(health.mmSurplus)} USD`,
  ]
  if (health.binding) {
    const shock = health.binding.shock
    lines.push(
      `binding   ${health.binding.underlying}, scenario ${health.binding.scenario}${
        shock ? ` (spot ×${shock.spotShock}, vol ${shock.vol}, dampening ${shock.dampening})` : ''
      }`,
    )
  }
  for (const unit of health.units)
    lines.push(
      `unit      ${unit.underlying}: MtM ${usd(unit.mtm)}, worst ${usd(unit.worst)}, IM ${usd(unit.im)}, MM ${usd(unit.mm)}`,
    )
  for (const chain of health.chains) {
    const held = [
      ...(chain.cash !== 0 ? [`cash ${usd(chain.cash)}`] : []),
      ...chain.collateral.map((c) => `${c.amount} ${c.asset} (${usd(c.value)} USD)`),
      ...chain.positions.map(
        (p) =>
          `${p.kind} #${p.instrumentId} ${p.underlying}${p.kind === 'option' ? ` ${p.strike} ${p.isCall ? 'C' : 'P'}` : ''} size ${p.size} mark ${usd(p.mark)}`,
      ),
    ]
    lines.push(
      `chain     ${chain.chainId} @ block ${chain.anchor.blockNumber}: ${held.length ? held.join('; ') : 'nothing'}`,
    )
  }
  for (const attestation of health.attestations)
    lines.push(
      `attested  chain ${attestation.chainId}: sequence ${attestation.sequence}, ${attestation.kind} (${attestation.trigger}), expires ${new Date(attestation.expiry * 1_000).toISOString()}`,
    )
  lines.push(`anchors   ${health.anchorsDigest}   params ${health.paramsHash}`)
  return `${lines.join('\n')}\n`
}

/** `xmargin health <account> --api URL [--json]`: an account's unified health from a relay. */
export function healthCommand(): Command {
  return new Command('health')
    .description(
      'Print an account’s unified health (figures, band, binding scenario, per-chain holdings, attestations) from a relay.',
    )
    .argument('<account>', 'the account address')
    .option('--api <url>', 'the relay API base URL', process.env.XMARGIN_API ?? 'http://127.0.0.1:8080')
    .option('--json', 'print the API’s JSON instead of the summary')
    .addHelpText(
      'after',
      '\nExample:\n  xmargin health 0x70997970C51812dc3A010C7d01b50e0d17dc79C8 --api http://127.0.0.1:8080',
    )
    .action(async (account: string, options: { api: string; json?: boolean }) => {
      const health = await createXmarginClient({ baseUrl: options.api }).health(account)
      process.stdout.write(options.json ? `${JSON.stringify(health, null, 2)}\n` : formatHealth(health))
    })
}
