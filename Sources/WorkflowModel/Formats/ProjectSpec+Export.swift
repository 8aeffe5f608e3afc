import Foundation
import YCRDT

extension ProjectSpec {
    /// A spec for `project`, keyed the way the state file keys it, and the state that maps those keys to
    /// the project's ids.
    ///
    /// An entity the state knows keeps its key; a new one gets the key Lightning's export would give it
    /// (the name with spaces made hyphens; a trigger by its type; an edge `source->target`), made
    /// unique with `-2`, `-3`, … Bodies are written inline. Credentials are keyed `owner-name`.
    public static func exporting(
        _ project: Project, state: ProjectState? = nil
    ) -> (ProjectSpec, ProjectState) {
        var spec = ProjectSpec(name: project.name, description: project.description)
        var next = ProjectState(
            id: project.id, name: project.name, description: project.description,
            otherFields: state?.otherFields ?? [:])

        var credentialKeys = KeyMaker(taken: state?.credentials ?? [])
        var credentialKeyByID: [String: String] = [:]
        for credential in project.credentials {
            let owner = credential.owner ?? ""
            let key = credentialKeys.key(
                for: credential.id, preferred: CredentialSpec.defaultKey(owner: owner, name: credential.name))
            credentialKeyByID[credential.id] = key
            spec.credentials.append(CredentialSpec(key: key, name: credential.name, owner: owner))
            next.credentials.append(StateEntry(key: key, id: credential.id, value: credential))
        }

        var workflowKeys = KeyMaker(taken: state?.workflows ?? [])
        for workflow in project.workflows {
            let key = workflowKeys.key(for: workflow.id, preferred: hyphenated(workflow.name))
            let old = state?.workflows.first { $0.id == workflow.id }?.value
            var jobKeys = KeyMaker(taken: old?.jobs ?? [])
            var triggerKeys = KeyMaker(taken: old?.triggers ?? [])
            var edgeKeys = KeyMaker(taken: old?.edges ?? [])
            var workflowSpec = WorkflowSpec(key: key, name: workflow.name)
            var workflowState = WorkflowState(name: workflow.name, otherFields: old?.otherFields ?? [:])
            if workflow.lockVersion != 0 {
                workflowState.otherFields["lock_version"] = .integer(Int64(workflow.lockVersion))
            }

            var jobKeyByID: [String: String] = [:]
            for job in workflow.jobs {
                let jobKey = jobKeys.key(for: job.id, preferred: hyphenated(job.name))
                jobKeyByID[job.id] = jobKey
                workflowSpec.jobs.append(
                    JobSpec(
                        key: jobKey, name: job.name, adaptor: job.adaptor,
                        credential: job.projectCredentialID.flatMap { credentialKeyByID[$0] },
                        body: .inline(job.body)))
                workflowState.jobs.append(StateEntry(key: jobKey, id: job.id, value: job))
            }
            var triggerKeyByID: [String: String] = [:]
            for trigger in workflow.triggers {
                let triggerKey = triggerKeys.key(for: trigger.id, preferred: trigger.type.rawValue)
                triggerKeyByID[trigger.id] = triggerKey
                workflowSpec.triggers.append(triggerSpec(trigger, key: triggerKey, jobKeys: jobKeyByID))
                workflowState.triggers.append(StateEntry(key: triggerKey, id: trigger.id, value: trigger))
            }
            for edge in workflow.edges {
                let source =
                    edge.sourceJobID.flatMap { jobKeyByID[$0] } ?? edge.sourceTriggerID.flatMap {
                        triggerKeyByID[$0]
                    } ?? ""
                let target = jobKeyByID[edge.targetJobID] ?? ""
                let edgeKey = edgeKeys.key(for: edge.id, preferred: "\(source)->\(target)")
                workflowSpec.edges.append(
                    EdgeSpec(
                        key: edgeKey, sourceJob: edge.sourceJobID.flatMap { jobKeyByID[$0] },
                        sourceTrigger: edge.sourceTriggerID.flatMap { triggerKeyByID[$0] }, targetJob: target,
                        conditionType: edge.conditionType, conditionExpression: edge.conditionExpression,
                        conditionLabel: edge.conditionLabel, enabled: edge.enabled))
                workflowState.edges.append(StateEntry(key: edgeKey, id: edge.id, value: edge))
            }
            spec.workflows.append(workflowSpec)
            next.workflows.append(StateEntry(key: key, id: workflow.id, value: workflowState))
        }
        return (spec, next)
    }

    /// Lightning's key for a name: spaces made hyphens.
    static func hyphenated(_ name: String) -> String {
        let key = name.replacingOccurrences(of: " ", with: "-")
        return key.isEmpty ? "unnamed" : key
    }

    private static func triggerSpec(_ trigger: Trigger, key: String, jobKeys: [String: String]) -> TriggerSpec
    {
        var spec = TriggerSpec(key: key, type: trigger.type, enabled: trigger.enabled)
        switch trigger.type {
        case .cron:
            spec.cronExpression = trigger.cronExpression
            spec.cronCursorJob = trigger.cronCursorJobID.flatMap { jobKeys[$0] }
        case .webhook:
            spec.webhookReply = trigger.webhookReply
            if let config = trigger.extra["webhook_response_config"]?.objectValue {
                spec.webhookResponseConfig = WebhookResponseConfigSpec(
                    successCode: config["success_code"]?.integerValue.map(Int.init),
                    errorCode: config["error_code"]?.integerValue.map(Int.init))
            }
        case .kafka:
            if let config = trigger.kafkaConfiguration {
                spec.kafkaConfiguration = KafkaConfigurationSpec(
                    hosts: config.hostsString.map(EntityJSON.splitList),
                    topics: config.topicsString.map(EntityJSON.splitList),
                    initialOffsetResetPolicy: config.initialOffsetResetPolicy,
                    connectTimeout: config.connectTimeout)
            }
        }
        return spec
    }
}

/// Hands out unique keys: the state's key for a known id, else the preferred key, suffixed when taken.
private struct KeyMaker {
    var byID: [String: String] = [:]
    var used: Set<String> = []

    init<Value>(taken entries: [StateEntry<Value>]) {
        for entry in entries { byID[entry.id] = entry.key }
    }

    mutating func key(for id: String, preferred: String) -> String {
        if let known = byID[id], !used.contains(known) {
            used.insert(known)
            return known
        }
        var candidate = preferred
        var suffix = 2
        while used.contains(candidate) || byID.values.contains(candidate) && byID[id] != candidate {
            candidate = "\(preferred)-\(suffix)"
            suffix += 1
        }
        used.insert(candidate)
        return candidate
    }
}
