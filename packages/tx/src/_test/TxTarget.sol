// SPDX-License-Identifier: MIT
pragma solidity ^0.8.27;

/// A stand-in for an exactly-once on-chain effect (a liquidation): `act(id)` succeeds once per id.
contract TxTarget {
    error AlreadyDone(uint256 id);
    error Refused(uint256 code, string reason);

    event Acted(uint256 indexed id, address indexed by);

    mapping(uint256 => bool) public done;
    uint256 public count;

    function act(uint256 id) external {
        if (done[id]) revert AlreadyDone(id);
        done[id] = true;
        count += 1;
        emit Acted(id, msg.sender);
    }

    function refuse(uint256 code) external pure {
        revert Refused(code, "refused");
    }
}
