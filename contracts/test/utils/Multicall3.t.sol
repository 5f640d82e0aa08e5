// SPDX-License-Identifier: MIT
pragma solidity ^0.8.27;

import {Multicall3} from "../../src/utils/Multicall3.sol";
import {Test} from "forge-std/Test.sol";

contract Echo {
    function echo(uint256 x) external payable returns (uint256, uint256) {
        return (x, msg.value);
    }

    function fail() external pure {
        revert("nope");
    }
}

contract Multicall3Test is Test {
    Multicall3 internal multicall;
    Echo internal echo;

    function setUp() public {
        multicall = new Multicall3();
        echo = new Echo();
    }

    function test_aggregate3_returnsEveryResult() public {
        Multicall3.Call3[] memory calls = new Multicall3.Call3[](2);
        calls[0] = Multicall3.Call3(address(echo), false, abi.encodeCall(Echo.echo, (7)));
        calls[1] = Multicall3.Call3(address(echo), true, abi.encodeCall(Echo.fail, ()));
        Multicall3.Result[] memory results = multicall.aggregate3(calls);
        assertTrue(results[0].success);
        (uint256 x,) = abi.decode(results[0].returnData, (uint256, uint256));
        assertEq(x, 7);
        assertFalse(results[1].success);
    }

    function test_aggregate3_revertsWhenAFailureIsNotAllowed() public {
        Multicall3.Call3[] memory calls = new Multicall3.Call3[](1);
        calls[0] = Multicall3.Call3(address(echo), false, abi.encodeCall(Echo.fail, ()));
        vm.expectRevert(abi.encodeWithSelector(Multicall3.CallFailed.selector, 0));
        multicall.aggregate3(calls);
    }

    function test_tryBlockAndAggregate_reportsTheBlock() public {
        vm.roll(1234);
        Multicall3.Call[] memory calls = new Multicall3.Call[](1);
        calls[0] = Multicall3.Call(address(echo), abi.encodeCall(Echo.echo, (1)));
        (uint256 blockNumber,, Multicall3.Result[] memory results) =
            multicall.tryBlockAndAggregate(true, calls);
        assertEq(blockNumber, 1234);
        assertTrue(results[0].success);
    }

    /// forge-config: default.fuzz.runs = 512
    function testFuzz_aggregate3Value_forwardsExactlyWhatWasSent(uint96 a, uint96 b) public {
        Multicall3.Call3Value[] memory calls = new Multicall3.Call3Value[](2);
        calls[0] = Multicall3.Call3Value(address(echo), false, a, abi.encodeCall(Echo.echo, (1)));
        calls[1] = Multicall3.Call3Value(address(echo), false, b, abi.encodeCall(Echo.echo, (2)));
        uint256 total = uint256(a) + b;
        vm.deal(address(this), total + 1);

        vm.expectRevert(abi.encodeWithSelector(Multicall3.ValueMismatch.selector, total + 1, total));
        multicall.aggregate3Value{value: total + 1}(calls);

        multicall.aggregate3Value{value: total}(calls);
        assertEq(address(echo).balance, total);
        assertEq(address(multicall).balance, 0);
    }
}

/// Calls Multicall3 with random batches and values; the invariant below must hold after every call.
contract Multicall3Handler is Test {
    Multicall3 public immutable multicall;
    Echo public immutable echo;
    uint256 public forwarded;

    constructor(Multicall3 multicall_, Echo echo_) {
        multicall = multicall_;
        echo = echo_;
    }

    function sendBatch(uint8 count, uint64 value, bool overpay) external {
        count = uint8(bound(count, 1, 5));
        Multicall3.Call3Value[] memory calls = new Multicall3.Call3Value[](count);
        for (uint256 i; i < count; ++i) {
            calls[i] = Multicall3.Call3Value(address(echo), false, value, abi.encodeCall(Echo.echo, (i)));
        }
        uint256 total = uint256(value) * count + (overpay ? 1 : 0);
        vm.deal(address(this), total);
        try multicall.aggregate3Value{value: total}(calls) {
            forwarded += total;
        } catch {}
    }
}

contract Multicall3InvariantTest is Test {
    Multicall3 internal multicall;
    Echo internal echo;
    Multicall3Handler internal handler;

    function setUp() public {
        multicall = new Multicall3();
        echo = new Echo();
        handler = new Multicall3Handler(multicall, echo);
        targetContract(address(handler));
    }

    /// Multicall3 never keeps ether: whatever a batch carried went to its targets.
    function invariant_multicallHoldsNoEther() public view {
        assertEq(address(multicall).balance, 0);
        assertEq(address(echo).balance, handler.forwarded());
    }
}
