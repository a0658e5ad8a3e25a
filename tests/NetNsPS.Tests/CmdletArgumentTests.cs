using System.Management.Automation;
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
}
