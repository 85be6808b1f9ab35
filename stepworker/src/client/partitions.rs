//! AWS partitions and the Step Functions endpoint of a region, resolved as
//! aws-sdk-sfn resolves it.
//!
//! Sources: the partition table aws-sdk-sfn 1.125 embeds (`endpoint_lib.rs`,
//! partitions.json version 1.1: each partition's region pattern, `dnsSuffix`
//! and `dualStackDnsSuffix`; all support FIPS and dual-stack), and the
//! Step Functions endpoint rules (botocore
//! `data/stepfunctions/2016-11-23/endpoint-rule-set-1.json`, and aws-sdk-sfn
//! 1.125 `config/endpoint.rs`, whose newer rules and test cases add that
//! dual-stack in aws-us-gov is always the FIPS host).

/// One partition: its name, how its regions are named, its DNS suffixes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Partition {
    pub(crate) name: &'static str,
    /// Region names are `<prefix>-<word>-<digits>` for one of these prefixes.
    prefixes: &'static [&'static str],
    pub(crate) dns_suffix: &'static str,
    pub(crate) dual_stack_dns_suffix: &'static str,
}

const AWS: Partition = Partition {
    name: "aws",
    prefixes: &["us", "eu", "ap", "sa", "ca", "me", "af", "il", "mx"],
    dns_suffix: "amazonaws.com",
    dual_stack_dns_suffix: "api.aws",
};

const PARTITIONS: &[Partition] = &[
    AWS,
    Partition {
        name: "aws-cn",
        prefixes: &["cn"],
        dns_suffix: "amazonaws.com.cn",
        dual_stack_dns_suffix: "api.amazonwebservices.com.cn",
    },
    Partition {
        name: "aws-eusc",
        prefixes: &["eusc-de"],
        dns_suffix: "amazonaws.eu",
        dual_stack_dns_suffix: "api.amazonwebservices.eu",
    },
    Partition {
        name: "aws-iso",
        prefixes: &["us-iso"],
        dns_suffix: "c2s.ic.gov",
        dual_stack_dns_suffix: "api.aws.ic.gov",
    },
    Partition {
        name: "aws-iso-b",
        prefixes: &["us-isob"],
        dns_suffix: "sc2s.sgov.gov",
        dual_stack_dns_suffix: "api.aws.scloud",
    },
    Partition {
        name: "aws-iso-e",
        prefixes: &["eu-isoe"],
        dns_suffix: "cloud.adc-e.uk",
        dual_stack_dns_suffix: "api.cloud-aws.adc-e.uk",
    },
    Partition {
        name: "aws-iso-f",
        prefixes: &["us-isof"],
        dns_suffix: "csp.hci.ic.gov",
        dual_stack_dns_suffix: "api.aws.hci.ic.gov",
    },
    Partition {
        name: "aws-us-gov",
        prefixes: &["us-gov"],
        dns_suffix: "amazonaws.com",
        dual_stack_dns_suffix: "api.aws",
    },
];

/// The partition of `region`: by name pattern, or the partition's own
/// `<name>-global` pseudo-region; an unknown name falls in `aws`, as in
/// the SDKs (a new region works before the table knows it).
pub(crate) fn partition_of(region: &str) -> &'static Partition {
    PARTITIONS
        .iter()
        .find(|p| {
            region.strip_suffix("-global") == Some(p.name)
                || p.prefixes
                    .iter()
                    .any(|prefix| matches_region(region, prefix))
        })
        .unwrap_or(&AWS)
}

/// `<prefix>-<word characters>-<digits>`, the partitions' region pattern.
fn matches_region(region: &str, prefix: &str) -> bool {
    let Some(rest) = region
        .strip_prefix(prefix)
        .and_then(|rest| rest.strip_prefix('-'))
    else {
        return false;
    };
    let Some((word, number)) = rest.split_once('-') else {
        return false;
    };
    !word.is_empty()
        && word.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !number.is_empty()
        && number.chars().all(|c| c.is_ascii_digit())
}

/// The Step Functions endpoint of `region`, with FIPS and dual-stack as asked.
///
/// Every partition supports both today, so no combination is refused (the
/// rules' "partition does not support FIPS" errors cannot occur).
pub(crate) fn states_endpoint(region: &str, fips: bool, dual_stack: bool) -> String {
    let partition = partition_of(region);
    match (fips, dual_stack) {
        (false, false) => format!("https://states.{region}.{}", partition.dns_suffix),
        (true, true) => format!(
            "https://states-fips.{region}.{}",
            partition.dual_stack_dns_suffix
        ),
        // GovCloud's dual-stack host is the FIPS one.
        (false, true) if partition.name == "aws-us-gov" => format!(
            "https://states-fips.{region}.{}",
            partition.dual_stack_dns_suffix
        ),
        (false, true) => format!(
            "https://states.{region}.{}",
            partition.dual_stack_dns_suffix
        ),
        // us-gov-west-1's regular endpoint is FIPS-validated already.
        (true, false) if region == "us-gov-west-1" => {
            "https://states.us-gov-west-1.amazonaws.com".to_owned()
        }
        (true, false) => format!("https://states-fips.{region}.{}", partition.dns_suffix),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_fall_in_their_partitions() {
        let cases = [
            ("us-east-1", "aws"),
            ("il-central-1", "aws"),
            ("cn-northwest-1", "aws-cn"),
            ("us-gov-west-1", "aws-us-gov"),
            ("us-iso-east-1", "aws-iso"),
            ("us-isob-east-1", "aws-iso-b"),
            ("eu-isoe-west-1", "aws-iso-e"),
            ("us-isof-south-1", "aws-iso-f"),
            ("eusc-de-east-1", "aws-eusc"),
            ("aws-cn-global", "aws-cn"),
            ("xx-future-9", "aws"),
            ("mars", "aws"),
        ];
        for (region, partition) in cases {
            assert_eq!(partition_of(region).name, partition, "{region}");
        }
    }
}
