export const id = 742;
export const ids = [742];
export const modules = {

/***/ 9742:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   compilingSource: () => (/* binding */ compilingSource),
/* harmony export */   specialize: () => (/* binding */ specialize)
/* harmony export */ });
/* harmony import */ var ajv__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(2463);
/* harmony import */ var ajv__WEBPACK_IMPORTED_MODULE_2___default = /*#__PURE__*/__webpack_require__.n(ajv__WEBPACK_IMPORTED_MODULE_2__);
/* harmony import */ var _schema_errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(4343);
/* harmony import */ var _schema_runtime_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(1191);
// Validators compiled at run time with ajv, for CustomResourceDefinitions a
// user passes in (the crds input): built-in kinds and the shipped CRDs use
// the validators generated ahead of time (precompiled.ts). Loaded only when
// there are such files, so a lint without them never loads ajv.



function newAjv() {
    const ajv = new ajv__WEBPACK_IMPORTED_MODULE_2__.Ajv({
        allErrors: true,
        strict: false,
        // The data is generated (tools/k8s-schemas.ts) and checked against the
        // meta-schema by a unit test; the schemas compiled here are
        // specializations of it (see specialize), so meta-validation is skipped.
        validateSchema: false,
        // Specialized schemas are small and validated a few times each:
        // skipping ajv's code optimization passes saves a third of the compile time.
        code: { optimize: false, regExp: _schema_runtime_js__WEBPACK_IMPORTED_MODULE_1__/* .goRegExp */ .mT },
        formats: _schema_runtime_js__WEBPACK_IMPORTED_MODULE_1__/* .FORMATS */ .hR,
    });
    ajv.addKeyword({ keyword: 'x-kubernetes-preserve-unknown-fields' });
    ajv.addKeyword({
        keyword: 'x-kubernetes-list-map-keys',
        type: 'array',
        schemaType: 'array',
        validate: function uniqueListMapKeys(keys, items) {
            const id = (0,_schema_runtime_js__WEBPACK_IMPORTED_MODULE_1__/* .duplicateListMapKey */ .BX)(items, keys);
            if (id === undefined)
                return true;
            uniqueListMapKeys.errors = [
                {
                    keyword: 'x-kubernetes-list-map-keys',
                    message: `has two items with the same ${keys.join('/')} ${id}`,
                    params: { keys },
                },
            ];
            return false;
        },
    });
    return ajv;
}
/**
 * Validates the instances of `kinds` against `definitions` (which must hold
 * every definition they reference, ObjectMeta included), compiling one
 * validator per object shape (see specialize).
 */
function compilingSource(kinds, definitions, strict) {
    const ajv = newAjv();
    const compiled = new Map();
    const validatorFor = (schema) => {
        const key = JSON.stringify(schema);
        let validate = compiled.get(key);
        if (!validate) {
            validate = ajv.compile(schema);
            compiled.set(key, validate);
        }
        return validate;
    };
    return {
        kinds,
        validate(definition, instance) {
            const schema = specialize({ $ref: `#/definitions/${definition}` }, instance, definitions, strict);
            const validate = validatorFor(schema);
            if (validate(instance))
                return { status: 'valid', schema: definition };
            return { status: 'invalid', issues: (0,_schema_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .describeErrors */ .r)(validate.errors ?? []) };
        },
    };
}
const DEFINITION_REF = '#/definitions/';
/**
 * The part of a schema that one instance exercises, with every $ref inlined:
 * properties the instance does not set are left out (`required` still
 * catches missing ones), map values and list items get the schema of their
 * own value. Validating the instance against the result gives the same
 * verdict and errors as against the full schema, but ajv compiles a few
 * hundred nodes instead of the whole PodSpec tree (several thousand), which
 * is most of the run time for a chart.
 */
function specialize(node, instance, definitions, strict = false) {
    const inner = (sub, value) => specialize(sub, value, definitions, strict);
    if (typeof node === 'boolean')
        return node;
    if (!node || typeof node !== 'object')
        return true;
    const schema = node;
    if (typeof schema.$ref === 'string' && schema.$ref.startsWith(DEFINITION_REF)) {
        const target = definitions[schema.$ref.slice(DEFINITION_REF.length)];
        if (!target)
            throw new Error(`schema data has no definition for ${schema.$ref}`);
        return inner(target, instance);
    }
    const out = {};
    for (const [key, value] of Object.entries(schema)) {
        if (key === 'properties' ||
            key === 'additionalProperties' ||
            key === 'items' ||
            key === 'patternProperties')
            continue;
        out[key] =
            (key === 'anyOf' || key === 'oneOf' || key === 'allOf') && Array.isArray(value)
                ? value.map((branch) => inner(branch, instance))
                : key === 'not'
                    ? inner(value, instance)
                    : value;
    }
    const isObject = instance !== null && typeof instance === 'object' && !Array.isArray(instance);
    if (isObject &&
        (schema.properties || schema.additionalProperties !== undefined || schema.patternProperties)) {
        const declared = (schema.properties ?? {});
        const patterns = Object.entries((schema.patternProperties ?? {})).map(([pattern, sub]) => [new RegExp(pattern, 'u'), sub]);
        // Strict: an object that lists its properties allows no others, unless
        // Kubernetes keeps unknown fields there (kubectl --validate=strict).
        const closed = strict && schema.properties && schema['x-kubernetes-preserve-unknown-fields'] !== true;
        const extra = schema.additionalProperties ?? (closed ? false : undefined);
        const properties = {};
        for (const [key, value] of Object.entries(instance)) {
            const applicable = [];
            if (Object.hasOwn(declared, key))
                applicable.push(declared[key]);
            for (const [pattern, sub] of patterns)
                if (pattern.test(key))
                    applicable.push(sub);
            if (!applicable.length && extra && typeof extra === 'object')
                applicable.push(extra);
            if (applicable.length === 1)
                properties[key] = inner(applicable[0], value);
            else if (applicable.length > 1)
                properties[key] = { allOf: applicable.map((sub) => inner(sub, value)) };
        }
        out.properties = properties;
        // Every key the instance has is either listed now or not allowed at all.
        if (extra === false || (extra && typeof extra === 'object'))
            out.additionalProperties = false;
        else if (extra !== undefined)
            out.additionalProperties = extra;
    }
    if (Array.isArray(instance) &&
        schema.items &&
        typeof schema.items === 'object' &&
        !Array.isArray(schema.items)) {
        out.items = instance.map((item) => inner(schema.items, item));
        out.additionalItems = false;
    }
    else if (schema.items !== undefined && !Array.isArray(instance)) {
        // not an array: the type check reports it; the item schema is not needed
    }
    else if (schema.items !== undefined) {
        out.items = schema.items;
    }
    return out;
}


/***/ })

};

//# sourceMappingURL=742.index.js.map