// Compiled from ./TxTarget.sol with solc 0.8.37 (optimizer on, 200 runs, evm cancun), the compiler the
// repository already ships (`node_modules/solc`). A stand-in for the liquidation contracts, which are
// still being written: `act(id)` succeeds once per id and then reverts `AlreadyDone(id)`.

export const txTargetAbi = [
  {
    inputs: [
      {
        internalType: 'uint256',
        name: 'id',
        type: 'uint256',
      },
    ],
    name: 'AlreadyDone',
    type: 'error',
  },
  {
    inputs: [
      {
        internalType: 'uint256',
        name: 'code',
        type: 'uint256',
      },
      {
        internalType: 'string',
        name: 'reason',
        type: 'string',
      },
    ],
    name: 'Refused',
    type: 'error',
  },
  {
    anonymous: false,
    inputs: [
      {
        indexed: true,
        internalType: 'uint256',
        name: 'id',
        type: 'uint256',
      },
      {
        indexed: true,
        internalType: 'address',
        name: 'by',
        type: 'address',
      },
    ],
    name: 'Acted',
    type: 'event',
  },
  {
    inputs: [
      {
        internalType: 'uint256',
        name: 'id',
        type: 'uint256',
      },
    ],
    name: 'act',
    outputs: [],
    stateMutability: 'nonpayable',
    type: 'function',
  },
  {
    inputs: [],
    name: 'count',
    outputs: [
      {
        internalType: 'uint256',
        name: '',
        type: 'uint256',
      },
    ],
    stateMutability: 'view',
    type: 'function',
  },
  {
    inputs: [
      {
        internalType: 'uint256',
        name: '',
        type: 'uint256',
      },
    ],
    name: 'done',
    outputs: [
      {
        internalType: 'bool',
        name: '',
        type: 'bool',
      },
    ],
    stateMutability: 'view',
    type: 'function',
  },
  {
    inputs: [
      {
        internalType: 'uint256',
        name: 'code',
        type: 'uint256',
      },
    ],
    name: 'refuse',
    outputs: [],
    stateMutability: 'pure',
    type: 'function',
  },
] as const

export const txTargetBytecode =
  '0x6080604052348015600e575f5ffd5b5061020d8061001c5f395ff3fe608060405234801561000f575f5ffd5b506004361061004a575f3560e01c806306661abd1461004e57806358a743c71461006a578063a60a07b21461009c578063c9ee7e02146100b1575b5f5ffd5b61005760015481565b6040519081526020015b60405180910390f35b61008c61007836600461019b565b5f6020819052908152604090205460ff1681565b6040519015158152602001610061565b6100af6100aa36600461019b565b6100c4565b005b6100af6100bf36600461019b565b610109565b8060405163542f015d60e11b8152600401610100918152604060208201819052600790820152661c99599d5cd95960ca1b606082015260800190565b60405180910390fd5b5f8181526020819052604090205460ff161561013b5760405163becf248f60e01b815260048101829052602401610100565b5f818152602081905260408120805460ff191660019081179091558054909182916101679083906101b2565b9091555050604051339082907f67ebb461c07f7728c47335fceff98755ab23931bf71be049e30fd4e7506d5582905f90a350565b5f602082840312156101ab575f5ffd5b5035919050565b808201808211156101d157634e487b7160e01b5f52601160045260245ffd5b9291505056fea264697066735822122022bd85b45d1b7677353a3fb2c191ac13ba2b1b86113c8b83e56ad01900ff6f5264736f6c63430008250033' as const
