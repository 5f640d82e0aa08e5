// SPDX-License-Identifier: MIT
pragma solidity ^0.8.27;

import {OracleRouter} from "../src/OracleRouter.sol";
import {IOracleRouter} from "../src/interfaces/IOracleRouter.sol";
import {MockAggregator} from "../src/mocks/MockAggregator.sol";
import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {Test} from "forge-std/Test.sol";

contract OracleRouterTest is Test {
    OracleRouter internal router;
    MockAggregator internal eth;
    address internal stranger = makeAddr("stranger");

    function setUp() public {
        vm.warp(1_700_000_000);
        router = new OracleRouter(address(this));
        eth = new MockAggregator(address(this), 8, 3000e8, "ETH / USD");
        router.setFeed("ETH", address(eth), 3600, 0.2e18);
    }

    function test_setFeed_normalisesToWad() public view {
        assertEq(router.price("ETH"), 3000e18);
        (uint256 price, uint64 updatedAt) = router.priceWithTime("ETH");
        assertEq(price, 3000e18);
        assertEq(updatedAt, block.timestamp);
        assertEq(router.feed("ETH").lastAccepted, 3000e18);
        assertEq(router.feed("ETH").decimals, 8);
    }

    function test_setFeed_normalisesMoreThan18Decimals() public {
        MockAggregator wide = new MockAggregator(address(this), 20, 3000e20, "wide");
        router.setFeed("WIDE", address(wide), 3600, 0);
        assertEq(router.price("WIDE"), 3000e18);
    }

    function test_setFeed_revertsForInvalidConfig() public {
        vm.expectRevert(abi.encodeWithSelector(IOracleRouter.InvalidFeed.selector, address(0)));
        router.setFeed("X", address(0), 3600, 0);
        vm.expectRevert(abi.encodeWithSelector(IOracleRouter.InvalidFeed.selector, address(eth)));
        router.setFeed("X", address(eth), 0, 0);
        vm.expectRevert(abi.encodeWithSelector(IOracleRouter.InvalidFeed.selector, address(eth)));
        router.setFeed("X", address(eth), 3600, 1e18 + 1);
        MockAggregator tooWide = new MockAggregator(address(this), 37, 1, "x");
        vm.expectRevert(abi.encodeWithSelector(IOracleRouter.InvalidFeed.selector, address(tooWide)));
        router.setFeed("X", address(tooWide), 3600, 0);
    }

    function test_setFeed_revertsForDeadFeed() public {
        MockAggregator dead = new MockAggregator(address(this), 8, 0, "dead");
        vm.expectRevert(
            abi.encodeWithSelector(IOracleRouter.InvalidAnswer.selector, bytes32("DEAD"), int256(0))
        );
        router.setFeed("DEAD", address(dead), 3600, 0);
    }

    function test_setFeed_onlyAdmin() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector,
                stranger,
                router.DEFAULT_ADMIN_ROLE()
            )
        );
        vm.prank(stranger);
        router.setFeed("ETH", address(eth), 3600, 0);
    }

    function test_price_revertsWhenNotSet() public {
        vm.expectRevert(abi.encodeWithSelector(IOracleRouter.FeedNotSet.selector, bytes32("BTC")));
        router.price("BTC");
    }

    function test_price_revertsForNonPositiveAnswer() public {
        eth.setAnswer(-1);
        vm.expectRevert(
            abi.encodeWithSelector(IOracleRouter.InvalidAnswer.selector, bytes32("ETH"), int256(-1))
        );
        router.price("ETH");
    }

    function test_price_revertsWhenStale() public {
        vm.warp(block.timestamp + 3601);
        vm.expectRevert(
            abi.encodeWithSelector(
                IOracleRouter.StalePrice.selector,
                bytes32("ETH"),
                uint64(block.timestamp - 3601),
                uint64(3600)
            )
        );
        router.price("ETH");
    }

    function test_price_acceptsAtHeartbeat() public {
        vm.warp(block.timestamp + 3600);
        assertEq(router.price("ETH"), 3000e18);
    }

    function test_price_revertsForFutureTimestamp() public {
        eth.setRound(3000e8, block.timestamp + 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                IOracleRouter.FutureTimestamp.selector, bytes32("ETH"), uint64(block.timestamp + 1)
            )
        );
        router.price("ETH");
    }

    function test_price_revertsBeyondDeviation() public {
        eth.setAnswer(2399e8); // -20.03%
        vm.expectRevert(
            abi.encodeWithSelector(
                IOracleRouter.PriceDeviation.selector, bytes32("ETH"), 2399e18, 3000e18, 0.2e18
            )
        );
        router.price("ETH");
        eth.setAnswer(2400e8); // exactly -20%
        assertEq(router.price("ETH"), 2400e18);
    }

    function test_acceptPrice_ratchetsTheReference() public {
        eth.setAnswer(2500e8);
        vm.expectEmit(address(router));
        emit IOracleRouter.PriceAccepted("ETH", 2500e18, uint64(block.timestamp), false);
        router.acceptPrice("ETH");
        eth.setAnswer(2100e8); // -16% from 2500, -30% from 3000
        assertEq(router.price("ETH"), 2100e18);
    }

    function test_acceptPrice_revertsBeyondDeviation() public {
        eth.setAnswer(1000e8);
        vm.expectRevert(
            abi.encodeWithSelector(
                IOracleRouter.PriceDeviation.selector, bytes32("ETH"), 1000e18, 3000e18, 0.2e18
            )
        );
        router.acceptPrice("ETH");
    }

    function test_forceAcceptPrice_acceptsAJumpOnlyForAdmin() public {
        eth.setAnswer(1000e8);
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector,
                stranger,
                router.DEFAULT_ADMIN_ROLE()
            )
        );
        vm.prank(stranger);
        router.forceAcceptPrice("ETH");
        router.forceAcceptPrice("ETH");
        assertEq(router.price("ETH"), 1000e18);
    }

    function test_vol_readsFeedPerExpiry() public {
        MockAggregator volFeed = new MockAggregator(address(this), 18, 0.64e18, "ETH vol");
        router.setVolFeed("ETH", 1_800_000_000, address(volFeed), 3600);
        assertEq(router.vol("ETH", 1_800_000_000), 0.64e18);
        vm.expectRevert(
            abi.encodeWithSelector(IOracleRouter.VolFeedNotSet.selector, bytes32("ETH"), uint64(1))
        );
        router.vol("ETH", 1);
        vm.warp(block.timestamp + 3601);
        vm.expectRevert();
        router.vol("ETH", 1_800_000_000);
    }

    function test_setRate_storesSignedRate() public {
        vm.expectEmit(address(router));
        emit IOracleRouter.RateSet("ETH", -0.01e18);
        router.setRate("ETH", -0.01e18);
        assertEq(router.rate("ETH"), -0.01e18);
        assertEq(router.rate("BTC"), 0);
    }

    function testFuzz_price_normalisesAnyDecimals(uint8 decimals, uint256 answer) public {
        decimals = uint8(bound(decimals, 0, 36));
        answer = bound(answer, 1, 1e30);
        MockAggregator feed = new MockAggregator(address(this), decimals, int256(answer), "fuzz");
        uint256 expected = decimals <= 18 ? answer * 10 ** (18 - decimals) : answer / 10 ** (decimals - 18);
        if (expected == 0) {
            vm.expectRevert(
                abi.encodeWithSelector(IOracleRouter.InvalidAnswer.selector, bytes32("F"), int256(answer))
            );
            router.setFeed("F", address(feed), 3600, 0);
            return;
        }
        router.setFeed("F", address(feed), 3600, 0);
        assertEq(router.price("F"), expected);
    }

    function testFuzz_price_deviationBand(uint256 newPrice, uint256 band) public {
        band = bound(band, 1, 1e18);
        newPrice = bound(newPrice, 1, 10_000e8);
        router.setFeed("ETH", address(eth), 3600, band);
        eth.setAnswer(int256(newPrice));
        uint256 newWad = newPrice * 1e10;
        uint256 distance = newWad > 3000e18 ? newWad - 3000e18 : 3000e18 - newWad;
        if (distance > 3000e18 * band / 1e18) vm.expectRevert();
        router.price("ETH");
    }

    function test_setVolFeed_revertsForInvalidConfig() public {
        vm.expectRevert(abi.encodeWithSelector(IOracleRouter.InvalidFeed.selector, address(0)));
        router.setVolFeed("ETH", 1, address(0), 3600);
        vm.expectRevert(abi.encodeWithSelector(IOracleRouter.InvalidFeed.selector, address(eth)));
        router.setVolFeed("ETH", 1, address(eth), 0);
    }
}
