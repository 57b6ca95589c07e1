package main

import (
	triggersv1alpha1 "github.com/tektoncd/triggers/pkg/apis/triggers/v1alpha1"
	triggersv1beta1 "github.com/tektoncd/triggers/pkg/apis/triggers/v1beta1"
	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// validateMeta applies the API server's object-meta rules for a create, after kubectl has
// filled in the namespace (of its context, here "default") for namespaced kinds.
func validateMeta(obj metav1.Object) []finding {
	namespaced := true
	switch obj.(type) {
	case *triggersv1alpha1.ClusterTriggerBinding, *triggersv1alpha1.ClusterInterceptor,
		*triggersv1beta1.ClusterTriggerBinding:
		namespaced = false
	}
	if namespaced && obj.GetNamespace() == "" {
		obj.SetNamespace("default")
	}
	if !namespaced {
		obj.SetNamespace("")
	}
	if obj.GetName() == "" && obj.GetGenerateName() != "" {
		// The API server generates the name (rest.BeforeCreate) before it validates the object
		// and before the webhooks see it.
		obj.SetName(obj.GetGenerateName() + "oracle")
	}
	var out []finding
	for _, e := range apivalidation.ValidateObjectMetaAccessor(obj, namespaced, apivalidation.NameIsDNSSubdomain, field.NewPath("metadata")) {
		out = append(out, finding{Message: e.Error(), Paths: []string{e.Field}})
	}
	return out
}
