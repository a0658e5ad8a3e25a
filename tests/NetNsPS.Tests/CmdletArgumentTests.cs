using System.Management.Automation;
using NetNsPS.Internal;
using Xunit;

namespace NetNsPS.Tests;

/// <summary>Bad arguments reach the module's own checks, whose errors name the value and say what is allowed.</summary>
public class CmdletArgumentTests
{
    [Theory]
    [InlineData("New-NetNamespace '' -WhatIf", "InvalidNamespaceName", "1 to 64 characters")]
    [InlineData("'red', '' | New-NetNamespace -WhatIf", "InvalidNamespaceName", "1 to 64 characters")]
    [InlineData("Remove-NetNamespace '' -WhatIf", "InvalidNamespaceName", "1 to 64 characters")]
    [InlineData("New-NetBridge '' -WhatIf", "InvalidInterfaceName", "1 to 15 characters")]
    [InlineData("Remove-NetBridge '' -WhatIf", "InvalidInterfaceName", "1 to 15 characters")]
    [InlineData("Add-VethPair '' -WhatIf", "InvalidNamespaceName", "1 to 64 characters")]
    [InlineData("Remove-VethPair '' -WhatIf", "InvalidNamespaceName", "1 to 64 characters")]
    [InlineData("Add-NsIPAddress '' -Namespace netnsps-xunit -WhatIf", "InvalidIPAddress", "such as 192.168.15.2/24")]
    [InlineData("Remove-NsIPAddress '' -WhatIf", "InvalidIPAddress", "such as 192.168.15.2/24")]
    [InlineData("Add-NsRoute -NextHop '' -WhatIf", "InvalidIPAddress", "four numbers 0-255")]
    [InlineData("Publish-NsPort '' -InternalPort 80 -ExternalPort 8080 -WhatIf", "InvalidNamespaceName", "1 to 64 characters")]
    [InlineData("Invoke-NsCommand '' id -WhatIf", "InvalidNamespaceName", "1 to 64 characters")]
    [InlineData("Set-BridgeHairpin '' -WhatIf", "InvalidInterfaceName", "1 to 15 characters")]
    [InlineData("Enable-NsMasquerade '' -WhatIf", "InvalidInterfaceName", "1 to 15 characters")]
    [InlineData("Disable-NsMasquerade '' -WhatIf", "InvalidInterfaceName", "1 to 15 characters")]
    [InlineData("Test-NsConnection ''", "InvalidIPAddress", "four numbers 0-255")]
    public void AnEmptyStringIsTheModulesError_NotABindingError(string script, string errorId, string allowed)
    {
        var error = Assert.Single(HostedCmdlets.Errors(script));
        Assert.StartsWith(errorId + ",NetNsPS.Commands.", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
        Assert.Contains("''", error.Exception.Message.Replace("is empty", "''"));
        Assert.Contains(allowed, error.Exception.Message);
    }

    [Theory]
    [InlineData("Get-NetNamespace 'red;touch /tmp/netnsps-pwned'", "InvalidNamespaceName")]
    [InlineData("Get-NetNamespace '../etc'", "InvalidNamespaceName")]
    [InlineData("Get-VethPair '`id`'", "InvalidNamespaceName")]
    [InlineData("Get-NsIPAddress -Namespace 'a/b'", "InvalidNamespaceName")]
    [InlineData("Get-NsRoute -Namespace '..'", "InvalidNamespaceName")]
    [InlineData("Get-NetBridge '$(id)'", "InvalidInterfaceName")]
    [InlineData("Get-NetNamespace 'red['", "InvalidWildcardPattern")]
    [InlineData("Get-NetBridge 'br[0'", "InvalidWildcardPattern")]
    [InlineData("Get-VethPair -Name 'veth['", "InvalidWildcardPattern")]
    [InlineData("Get-NsRoute -Namespace '[red'", "InvalidWildcardPattern")]
    [InlineData("Get-NsPort -Namespace '[red'", "InvalidWildcardPattern")]
    [InlineData("Get-NsMasquerade 'bridge[0'", "InvalidWildcardPattern")]
    [InlineData("Get-NsIPAddress 'x[' -Namespace 'netnsps-xunit-*'", "InvalidWildcardPattern")]
    public void GetCmdlets_CheckNamesAndPatterns_BeforeReadingAnything(string script, string errorId)
    {
        var error = Assert.Single(HostedCmdlets.Errors(script));
        Assert.StartsWith(errorId + ",NetNsPS.Commands.", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
        // A name is never echoed back inside a suggested command (no "Create it with: New-NetNamespace red;touch ...").
        Assert.DoesNotContain("Create it with", error.Exception.Message);
    }

    [Fact]
    public void GetNetNamespace_OneBadNameDoesNotHideTheOthers()
    {
        var errors = HostedCmdlets.Errors("Get-NetNamespace 'a/b', 'netnsps-xunit-missing', 'x['");
        Assert.Equal(new[] { "InvalidNamespaceName", "NamespaceNotFound", "InvalidWildcardPattern" },
            errors.ConvertAll(e => e.FullyQualifiedErrorId.Split(',')[0]));
    }

    [Theory]
    [InlineData(8080, (ushort)8080)]
    [InlineData("8080", (ushort)8080)]
    [InlineData(" 443 ", (ushort)443)]
    [InlineData(1L, (ushort)1)]
    [InlineData(65535.0, (ushort)65535)]
    [InlineData((ushort)22, (ushort)22)]
    public void PortNumber_TakesWholeNumbersFrom1To65535(object input, ushort expected) =>
        Assert.Equal(expected, PortNumberAttribute.ToPort(input));

    [Fact]
    public void PortNumber_LeavesNullForAnOptionalPort() => Assert.Null(PortNumberAttribute.ToPort(null));

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(65536)]
    [InlineData("http")]
    [InlineData("8080.5")]
    [InlineData(8080.5)]
    [InlineData("")]
    [InlineData(true)]
    [InlineData("80\u001b[2J")]
    public void PortNumber_RefusesTheRest_SayingWhatIsAllowed(object input)
    {
        var e = Assert.Throws<ArgumentTransformationMetadataException>(() => PortNumberAttribute.ToPort(input));
        Assert.Contains("whole number from 1 to 65535", e.Message);
        Assert.DoesNotMatch(@"\p{Cc}", e.Message);
    }

    [Theory]
    [InlineData("Publish-NsPort red -InternalPort 80 -ExternalPort 65536 -WhatIf", "ExternalPort", "'65536'")]
    [InlineData("Publish-NsPort red -InternalPort http -ExternalPort 8080 -WhatIf", "InternalPort", "'http'")]
    [InlineData("Publish-NsPort red -InternalPort 80 -ExternalPort 8080.5 -WhatIf", "ExternalPort", "'8080.5'")]
    [InlineData("Unpublish-NsPort -1 -WhatIf", "ExternalPort", "'-1'")]
    [InlineData("Get-NsPort -ExternalPort eighty", "ExternalPort", "'eighty'")]
    [InlineData("Test-NsConnection 192.168.15.1 -Port 70000", "Port", "'70000'")]
    public void PortParameters_NameTheParameterTheValueAndTheRange(string script, string parameter, string shown)
    {
        var error = Assert.Single(HostedCmdlets.Errors(script));
        Assert.StartsWith("ParameterArgumentTransformationError,NetNsPS.Commands.", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidData, error.CategoryInfo.Category);
        Assert.Contains($"'{parameter}'", error.Exception.Message);
        Assert.Contains(shown, error.Exception.Message);
        Assert.Contains("1 to 65535", error.Exception.Message);
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("/bin/sh", true)]
    [InlineData("red;touch /tmp/netnsps-pwned", false)]
    [InlineData("sh -c id", false)]
    [InlineData("netnsps-no-such-program", false)]
    [InlineData("/nonexistent/ping", false)]
    public void InvokeNsCommand_KnowsWhatIsAProgram(string command, bool expected) =>
        Assert.Equal(expected, NetNsPS.Commands.InvokeNsCommandCommand.IsProgram(command));
}
