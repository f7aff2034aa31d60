export const id = 170;
export const ids = [170];
export const modules = {

/***/ 9170:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   deploymentState: () => (/* binding */ deploymentState),
/* harmony export */   setDeploymentState: () => (/* binding */ setDeploymentState),
/* harmony export */   startDeployment: () => (/* binding */ startDeployment)
/* harmony export */ });
/* harmony import */ var _actions_github__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(2413);
// Records the deploy as a GitHub Deployment with a status, when a token is
// given. Failures here never fail the deploy: they become a warning.

async function startDeployment(t) {
    const octokit = _actions_github__WEBPACK_IMPORTED_MODULE_0__/* .getOctokit */ .Q(t.token);
    const { owner, repo } = _actions_github__WEBPACK_IMPORTED_MODULE_0__/* .context */ ._.repo;
    const created = await octokit.rest.repos.createDeployment({
        owner,
        repo,
        ref: _actions_github__WEBPACK_IMPORTED_MODULE_0__/* .context */ ._.sha,
        environment: t.environment,
        description: t.description,
        auto_merge: false,
        required_contexts: [],
        transient_environment: false,
    });
    if (!('id' in created.data))
        throw new Error(`GitHub refused the deployment: ${created.data.message ?? 'no id'}`);
    await setDeploymentState(t, created.data.id, 'in_progress', t.description);
    return created.data.id;
}
async function setDeploymentState(t, deploymentId, state, description) {
    const octokit = _actions_github__WEBPACK_IMPORTED_MODULE_0__/* .getOctokit */ .Q(t.token);
    const { owner, repo } = _actions_github__WEBPACK_IMPORTED_MODULE_0__/* .context */ ._.repo;
    await octokit.rest.repos.createDeploymentStatus({
        owner,
        repo,
        deployment_id: deploymentId,
        state,
        description: description.slice(0, 140),
        ...(t.environmentUrl ? { environment_url: t.environmentUrl } : {}),
        log_url: `${_actions_github__WEBPACK_IMPORTED_MODULE_0__/* .context */ ._.serverUrl}/${owner}/${repo}/actions/runs/${_actions_github__WEBPACK_IMPORTED_MODULE_0__/* .context */ ._.runId}`,
    });
}
function deploymentState(status) {
    return status === 'deployed' ? 'success' : status === 'failed' ? 'error' : 'failure';
}


/***/ })

};

//# sourceMappingURL=170.index.js.map