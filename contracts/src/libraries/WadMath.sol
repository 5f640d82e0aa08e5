// SPDX-License-Identifier: MIT
pragma solidity ^0.8.27;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

/// @title WadMath
/// @notice Fixed-point (1e18) products with the rounding direction in the name. Signed variants round
/// toward negative infinity (`Floor`) or positive infinity (`Ceil`), so "against the account" is one
/// word at the call site whatever the sign.
library WadMath {
    uint256 internal constant WAD = 1e18;

    /// @dev `a * b / 1e18`, rounded down.
    function mulWadDown(uint256 a, uint256 b) internal pure returns (uint256) {
        return Math.mulDiv(a, b, WAD);
    }

    /// @dev `a * b / 1e18`, rounded up.
    function mulWadUp(uint256 a, uint256 b) internal pure returns (uint256) {
        return Math.mulDiv(a, b, WAD, Math.Rounding.Ceil);
    }

    /// @dev `a * b / d` for signed `a` and `b`, rounded toward negative infinity.
    function mulDivFloor(int256 a, int256 b, uint256 d) internal pure returns (int256) {
        return _mulDivSigned(a, b, d, false);
    }

    /// @dev `a * b / d` for signed `a` and `b`, rounded toward positive infinity.
    function mulDivCeil(int256 a, int256 b, uint256 d) internal pure returns (int256) {
        return _mulDivSigned(a, b, d, true);
    }

    /// @dev `a * b / 1e18` for signed values, rounded toward negative infinity.
    function mulWadFloor(int256 a, int256 b) internal pure returns (int256) {
        return _mulDivSigned(a, b, WAD, false);
    }

    /// @dev `a * b / 1e18` for signed values, rounded toward positive infinity.
    function mulWadCeil(int256 a, int256 b) internal pure returns (int256) {
        return _mulDivSigned(a, b, WAD, true);
    }

    function abs(int256 x) internal pure returns (uint256) {
        return x >= 0 ? uint256(x) : uint256(-x);
    }

    function toInt(uint256 x) internal pure returns (int256) {
        return SafeCast.toInt256(x);
    }

    function _mulDivSigned(int256 a, int256 b, uint256 d, bool ceil) private pure returns (int256) {
        bool negative = (a < 0) != (b < 0);
        // The magnitude rounds away from zero exactly when the direction points away from zero.
        Math.Rounding rounding = (negative != ceil) ? Math.Rounding.Ceil : Math.Rounding.Floor;
        uint256 magnitude = Math.mulDiv(abs(a), abs(b), d, rounding);
        return negative ? -toInt(magnitude) : toInt(magnitude);
    }
}
