// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

// The real LayerZero V2 core, compiled against OpenZeppelin 4 (profile `lz`), so the devnet runs the
// same endpoint and message libraries as a public network. Nothing is defined here; the imports make
// forge emit artifacts for each contract into out-lz/.
import {EndpointV2} from "@layerzerolabs/lz-evm-protocol-v2/contracts/EndpointV2.sol";
import {SimpleMessageLib} from "@layerzerolabs/lz-evm-protocol-v2/contracts/messagelib/SimpleMessageLib.sol";
import {ReceiveUln302} from "@layerzerolabs/lz-evm-messagelib-v2/contracts/uln/uln302/ReceiveUln302.sol";
import {SendUln302} from "@layerzerolabs/lz-evm-messagelib-v2/contracts/uln/uln302/SendUln302.sol";
